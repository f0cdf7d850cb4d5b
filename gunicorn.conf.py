"""gunicorn's settings when it is run by hand in this folder (`gunicorn 'server:create_app()'`).

The same request limits as `partnergraph serve` (partnergraph/web/serving.py): a long
GET query line is accepted, and a request body too large to throw away closes its
connection cleanly instead of breaking the next request on it; each worker starts its
query processes before it accepts traffic.
"""

from partnergraph.settings import load
from partnergraph.web.serving import request_settings

_limits = request_settings(load().max_request_bytes)
limit_request_line = _limits["limit_request_line"]
pre_request = _limits["pre_request"]
post_worker_init = _limits["post_worker_init"]
