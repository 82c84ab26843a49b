"""The ontology, SHACL shapes and department registry as Turtle files. A package only so
that an installed policykg (a wheel, not just this checkout) carries them; ``kg`` reads
them from here."""
