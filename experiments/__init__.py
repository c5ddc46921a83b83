"""servicesim experiments."""
