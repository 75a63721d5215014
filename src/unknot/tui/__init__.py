"""Terminal players: a Textual app (`app.create_app`) and a plain line-by-line player."""
