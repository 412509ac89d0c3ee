"""Reading input: backlink exports and lists, access logs and analytics exports, recheck selections."""
