"""moto_server, plus the one ECS behaviour safe-deploy's rolling deploys need and moto 5.2 lacks.

moto 5.2 accepts UpdateService on an ECS-controller service and records the new task definition, but
never moves the service's `deployments` on: the one deployment it made at CreateService keeps the first
task definition forever. Here UpdateService to another task definition starts a rolling deployment the
way the ECS API reference describes `Deployment`: a new PRIMARY deployment (rolloutState IN_PROGRESS,
its tasks pending) beside the old one, now ACTIVE; once SAFE_DEPLOY_MOTO_ROLLOUT_SECONDS (default 0)
have passed, the next DescribeServices finds it COMPLETED with all tasks running and the old deployment
gone (INACTIVE deployments are not listed). A new ECS-controller service starts as one that already runs
(moto leaves its first deployment IN_PROGRESS with no task).

moto's RunTask tasks always exit 0 (its Container has exitCode 0). SAFE_DEPLOY_MOTO_TASK_EXIT_CODES, a
JSON object from a command (its words joined by spaces) to an exit code, gives a task whose overridden
command is one of them that container exitCode, as DescribeTasks reports `containers[].exitCode` (ECS API
reference, Container): a release task that fails. Everything else is moto's own server.
"""

import json
import os
import select
import signal
import socket
import sys
import threading
import time

from moto.core.exceptions import JsonRESTError
from moto.core.utils import utcnow
from moto.ecs import models
from moto.ecs.responses import EC2ContainerServiceResponse
from moto.moto_api._internal import mock_random

ROLLOUT_SECONDS = float(os.environ.get("SAFE_DEPLOY_MOTO_ROLLOUT_SECONDS", "0"))
TASK_EXIT_CODES = json.loads(os.environ.get("SAFE_DEPLOY_MOTO_TASK_EXIT_CODES") or "{}")
_started = {}  # deployment id -> monotonic start time

_create_service = models.EC2ContainerServiceBackend.create_service
_update_service = models.EC2ContainerServiceBackend.update_service
_describe_services = models.EC2ContainerServiceBackend.describe_services
_task_init = models.Task.__init__


def _task_definition_arn(backend, reference):
    return backend.describe_task_definition(reference).arn


def create_service(self, *args, **kwargs):
    service = _create_service(self, *args, **kwargs)
    # moto starts an ECS-controller service with no task running and its deployment IN_PROGRESS forever;
    # a seeded service is one that already runs: its first deployment COMPLETED, all tasks running.
    if service.deployment_controller.get("type") == "ECS" and service.deployments:
        service.deployments[0].update(
            rolloutState="COMPLETED",
            rolloutStateReason=f"ECS deployment {service.deployments[0]['id']} completed.",
            runningCount=service.desired_count,
            pendingCount=0,
        )
        service.running_count = service.desired_count
        service.pending_count = 0
    return service


def update_service(self, service_properties):
    reference = service_properties.get("task_definition")
    service = _update_service(self, service_properties)
    if not reference or service.deployment_controller.get("type") != "ECS" or not service.deployments:
        return service
    arn = _task_definition_arn(self, reference)
    service.task_definition = arn
    primary = service.deployments[0]
    if primary["taskDefinition"] == arn:
        return service
    now = utcnow()
    deployment = dict(
        primary,
        id=f"ecs-svc/{mock_random.randint(0, 32**12)}",
        status="PRIMARY",
        taskDefinition=arn,
        desiredCount=service.desired_count,
        runningCount=0,
        pendingCount=service.desired_count,
        failedTasks=0,
        rolloutState="IN_PROGRESS",
        createdAt=now,
        updatedAt=now,
    )
    deployment["rolloutStateReason"] = f"ECS deployment {deployment['id']} in progress."
    # Older deployments keep their tasks until the new one completes.
    for old in service.deployments:
        old["status"] = "ACTIVE"
        old["desiredCount"] = 0
    service.deployments.insert(0, deployment)
    _started[deployment["id"]] = time.monotonic()
    return service


def describe_services(self, cluster_str, service_names_or_arns):
    services, failures = _describe_services(self, cluster_str, service_names_or_arns)
    for service in services:
        deployments = getattr(service, "deployments", None) or []
        if not deployments:
            continue
        primary = deployments[0]
        started = _started.get(primary["id"])
        if primary["rolloutState"] == "IN_PROGRESS" and started is not None:
            if time.monotonic() - started >= ROLLOUT_SECONDS:
                primary.update(
                    rolloutState="COMPLETED",
                    rolloutStateReason=f"ECS deployment {primary['id']} completed.",
                    runningCount=service.desired_count,
                    pendingCount=0,
                    updatedAt=utcnow(),
                )
                del deployments[1:]
                service.running_count = service.desired_count
                service.pending_count = 0
    return services, failures


def task_init(self, *args, **kwargs):
    _task_init(self, *args, **kwargs)
    overrides = getattr(self, "overrides", None) or {}
    for override in overrides.get("containerOverrides") or []:
        code = TASK_EXIT_CODES.get(" ".join(override.get("command") or []))
        if code is not None:
            for container in self.containers:
                container.exitCode = code


def _no_service_deployments(self):
    raise JsonRESTError(
        "UnknownOperationException", "moto does not implement the ECS service-deployment API"
    )


# moto answers an operation it lacks with a 500, which the SDK retries as a server fault; an endpoint
# without the operation answers 400 UnknownOperationException, and so does this one.
for _operation in (
    "list_service_deployments",
    "describe_service_deployments",
    "describe_service_revisions",
    "stop_service_deployment",
):
    setattr(EC2ContainerServiceResponse, _operation, _no_service_deployments)

models.EC2ContainerServiceBackend.create_service = create_service
models.EC2ContainerServiceBackend.update_service = update_service
models.EC2ContainerServiceBackend.describe_services = describe_services
models.Task.__init__ = task_init

# The services the end-to-end tests call: the zygote builds their apps once, before it forks.
SERVICES = ("ec2", "ecs", "elbv2", "cloudwatch", "ecr", "ssm", "secretsmanager", "iam", "logs", "sts", "moto_api")


def _exit_with(pid):
    """Ends this process once `pid` is no longer its parent (the zygote, or whoever started it, is gone)."""

    def watch():
        while os.getppid() == pid:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def zygote(path):
    """Serves forks of one warmed-up moto_server, one per request on the unix socket at `path`.

    Starting moto_server costs about two seconds of CPU, nearly all of it importing moto and botocore
    and building each service's URL map; the end-to-end tests start one per test file. A zygote pays
    that once: it imports everything and builds the apps of SERVICES, then forks a server for each
    request (a line of JSON: port, rolloutSeconds, taskExitCodes) and answers with the fork's pid.
    Each fork is a separate moto with its own state, exactly as a separate moto_server would be. The
    zygote ends when its stdin closes (the test run that started it is gone), and each fork ends when
    the zygote does. Nothing here is specific to a test: written for speed alone, since moto has no
    fork server of its own.
    """
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    app = DomainDispatcherApplication(create_backend_app)
    app.debug = True
    for name in SERVICES:
        app.app_instances[name] = create_backend_app(name)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # forks are reaped by the kernel
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    # Bound and listening under another name first: the socket appears at `path` ready to connect.
    listener.bind(f"{path}.new")
    listener.listen(16)
    os.rename(f"{path}.new", path)
    parent = os.getppid()
    zygote_pid = os.getpid()
    # No threads here: a fork copies only the thread that forks, and a lock another held stays held.
    while True:
        ready, _, _ = select.select([listener, 0], [], [], 0.5)
        if os.getppid() != parent or (0 in ready and not os.read(0, 4096)):
            os._exit(0)
        if listener not in ready:
            continue
        connection, _ = listener.accept()
        request = json.loads(connection.makefile().readline())
        pid = os.fork()
        if pid == 0:
            listener.close()
            connection.close()
            _serve(app, request, zygote_pid)
            os._exit(0)
        connection.sendall(f"{json.dumps({'pid': pid})}\n".encode())
        connection.close()


def _serve(app, request, zygote_pid):
    global ROLLOUT_SECONDS, TASK_EXIT_CODES
    from werkzeug.serving import run_simple

    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1):
        os.dup2(devnull, fd)
    ROLLOUT_SECONDS = float(request.get("rolloutSeconds", 0))
    TASK_EXIT_CODES = request.get("taskExitCodes") or {}
    os.environ["MOTO_PORT"] = str(request["port"])
    _exit_with(zygote_pid)
    run_simple("127.0.0.1", int(request["port"]), app, threaded=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--zygote"]:
        zygote(sys.argv[2])
    else:
        from moto.server import main

        sys.exit(main())
