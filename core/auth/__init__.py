"""Who may do what: roles, pages, passwords, lockout, the cookie key."""
