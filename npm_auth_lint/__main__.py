from __future__ import annotations

from npm_auth_lint.cli import main

raise SystemExit(main())
