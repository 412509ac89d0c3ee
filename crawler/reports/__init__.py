"""What reads the store and never crawls: the profile, the HTML report, disavow, changes and alerts."""
