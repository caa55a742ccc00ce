//! The dashboard page: server-rendered HTML with SVG charts, in French or English.
