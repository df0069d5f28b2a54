"""Demo content in bulk for `manage.py generate_demo_data`: words, prose with its HTML, and the generator."""
