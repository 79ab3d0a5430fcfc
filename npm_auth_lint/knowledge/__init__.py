"""Knowledge as data: typed tables of publishers, known actions and orb commands (see
:mod:`npm_auth_lint.knowledge.publishing`). Release data for Node and npm lives in
:mod:`npm_auth_lint.toolchain`."""
