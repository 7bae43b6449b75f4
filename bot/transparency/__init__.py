"""Transparency: DSA statements of reasons, the public report and page, and the noisy-rule guard."""
