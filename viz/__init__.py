"""servicesim viz."""
