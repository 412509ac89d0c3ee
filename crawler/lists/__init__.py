"""Reading input: backlink exports and lists, the spool, access logs and analytics exports, recheck selections."""
