"""policykg: the command line, settings, data folder and build on top of corpus → kg → index."""
