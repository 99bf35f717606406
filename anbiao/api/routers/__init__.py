"""One module per domain, each defining ``router``; mounted by :mod:`anbiao.api.main`."""
