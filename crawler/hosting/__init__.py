"""Where each linking page is served from: its address, /24, ASN and hosting country.

Link networks share hosting as often as templates and tracking IDs, so the
commercial suites count referring IPs and class-C subnets. This package finds
the address itself (``addresses``: every host resolved once a run, through the
system resolver, so ``/etc/hosts`` counts; Scrapy's ``response.ip_address`` is
the proxy's when ``http_proxy`` is set) and reads ASN and country from the
MaxMind-format databases the user points ``--ip-db`` at (``ipdb``): offline,
nothing downloaded. ``scoring.hosting`` weighs it: shared hosting is evidence
beside other evidence, never a verdict alone.
"""
