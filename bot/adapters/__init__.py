"""Platform glue: the Discord bot class, the Slack app and their platform ports."""
