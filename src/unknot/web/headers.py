"""Response headers that protect health data."""

from __future__ import annotations

# After `forget`, nothing the browser kept may be sent again or shown: the outbox, the offline
# copies and the player's place (issue 13). Cookies stay: they hold no health data.
CLEAR_SITE_DATA = '"cache", "storage"'
