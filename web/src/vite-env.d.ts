// Vite's module types (`?url` imports, CSS imports) for the page's sources.
/// <reference types="vite/client" />
