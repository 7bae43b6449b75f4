"""discord.py cogs: thin glue between Discord events and the Vigie core."""
