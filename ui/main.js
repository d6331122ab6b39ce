// Wizard entry point.
