"""CMS (IOI's contest system): task packages, task types and outcome parsing."""
