"""``clientToken`` makes CreateService and RunTask idempotent, as botocore documents both members.

The same token with the same request answers what the first request made (the service, the tasks),
without making anything again; the same token with another request is refused: RunTask with
``ConflictException`` and the ARNs already made (``resourceIds``, botocore's ConflictException), CreateService
with ``InvalidParameterException`` (wording ours). Tokens are kept per backend (account and region).
"""

import json

from moto.core.responses import ActionResult
from moto.ecs.exceptions import ECSException, InvalidParameterException

from .services import ServiceResponses
from .tasks import TaskResponses


def _tokens(backend):
    return backend.__dict__.setdefault("client_tokens", {})


def _request(response):
    """The request as sent, without its token: what a retry must repeat."""
    body = json.loads(response.body or "{}")
    body.pop("clientToken", None)
    return body


class IdempotentResponses:
    """CreateService and RunTask with clientToken (placed first among the mixins, so these answer)."""

    # pylint: disable=no-member  # mixed into EC2ContainerServiceResponse

    def create_service(self):
        token, request = self._get_param("clientToken"), _request(self)
        tokens = _tokens(self.ecs_backend)
        if token and ("CreateService", token) in tokens:
            earlier, key = tokens[("CreateService", token)]
            if earlier != request:
                raise InvalidParameterException(f"The clientToken {token} was used with a different CreateService request.")
            return ActionResult({"service": self.ecs_backend.services[key]})
        answer = ServiceResponses.create_service(self)
        if token:
            service = answer.result["service"]
            tokens[("CreateService", token)] = (request, f"{service.cluster_name}:{service.name}")
        return answer

    def run_task(self):
        token, request = self._get_param("clientToken"), _request(self)
        tokens = _tokens(self.ecs_backend)
        if token and ("RunTask", token) in tokens:
            earlier, arns = tokens[("RunTask", token)]
            if earlier != request:
                conflict = ECSException(
                    "ConflictException", "The provided clientToken is already in use with a different RunTask request."
                )
                conflict.resourceIds = arns  # pylint: disable=attribute-defined-outside-init,invalid-name  # the shape's member
                raise conflict
            tasks = [task for tasks in self.ecs_backend.tasks.values() for arn, task in tasks.items() if arn in arns]
            return ActionResult({"tasks": tasks, "failures": []})
        answer = TaskResponses.run_task(self)
        if token:
            tokens[("RunTask", token)] = (request, [task.task_arn for task in answer.result["tasks"]])
        return answer
