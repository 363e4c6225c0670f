"""WebSockets through the URLconf: consumers, routing and channel layers."""
