"""The installable field app: entry form, "Mina poster", manifest, service worker, vendor assets."""
