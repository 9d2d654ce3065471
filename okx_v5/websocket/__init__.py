"""WebSocket streams for the OKX V5 API."""
