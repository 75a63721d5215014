"""The use cases: what the command line, the terminal players and the web app ask of unknot.

Interfaces reach them through one object, `application.Application`, and the view of it bound
to who is asking (`Application.local()`, `acting_as(person)`); they name exceptions from
`errors`, and the domain's words and models from `vocabulary` and `models`. Each service module
holds one subject's use cases; heavy imports stay out of the modules a quick command loads.
"""
