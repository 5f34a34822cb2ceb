/*
 * The users page: the organisation follows the role where the role decides it (an officer is
 * police, municipal staff are the municipality's). Choosing such a role sets the organisation
 * and leaves only that one to choose; choosing a coordinator or an administrator again brings
 * back the choice (empty, so that it is made, not taken over). A convenience only: the server
 * refuses a mismatch and fills in the organisation without this script.
 */
(function () {
  "use strict";

  document.querySelectorAll("select[data-organisation-by-role]").forEach((organisation) => {
    const role = document.getElementById(organisation.dataset.roleField);
    if (!role) return;
    let tied;
    try {
      tied = JSON.parse(organisation.dataset.organisationByRole);
    } catch (error) {
      return;
    }
    let setHere = false; // the value was set by this script, not chosen by the admin
    const follow = () => {
      const fixed = tied[role.value];
      for (const option of organisation.options) {
        option.disabled = Boolean(fixed) && option.value !== fixed;
      }
      if (fixed) {
        setHere = organisation.value !== fixed || setHere;
        organisation.value = fixed;
      } else if (setHere) {
        organisation.value = "";
        setHere = false;
      }
    };
    role.addEventListener("change", follow);
    follow(); // a refused form comes back with its role chosen
  });
})();
