"""The installable app shell: manifest, service worker, offline page, vendor assets, and the field
entry pages that work offline."""
