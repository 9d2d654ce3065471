"""``python -m okx_v5``: the ``okx-v5`` command line."""

from okx_v5.cli import main

raise SystemExit(main())
