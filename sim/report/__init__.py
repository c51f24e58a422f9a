"""Self-contained HTML reports (Plotly, works offline)."""
