#!/usr/bin/env python3
"""Run moto in server mode for the local stack, with its Lambda calls routed to a local Lambda host.

    python local/moto_launcher.py --host 127.0.0.1 --port PORT \
        --lambda-endpoint http://127.0.0.1:LPORT [--region us-east-1] [--quiet]

moto runs no Lambda code without Docker. The local stack runs the real handlers in a Lambda host that
speaks the Lambda Invoke API (POST /2015-03-31/functions/{name}/invocations), and this launcher points
moto's two Lambda callers at it:

  * Step Functions Lambda tasks: the ASL engine gets its Lambda client from
    moto.stepfunctions.parser.asl.utils.boto_client.boto_client_for (imported by name into
    ...asl.component.state.exec.state_task.lambda_eval_utils and the other task modules). The
    replacement returns a boto3 Lambda client for the Lambda host when the service is "lambda", and
    moto's own client otherwise. The task's Resource ARN (alias qualifier included) is the
    FunctionName, so botocore puts it, percent-encoded, in the request path.
  * S3 -> Lambda notifications: moto.s3.notifications._invoke_awslambda is replaced by an asynchronous
    Invoke (X-Amz-Invocation-Type: Event) of the function ARN from the bucket's notification
    configuration, and moto.s3.notifications._get_s3_event fills in the fields of the event record
    that moto leaves out (see _aws_shaped_s3_event).

It also works around moto faults that the pipeline hits (see the patch_* functions), among them
DynamoDB requests that are not atomic under concurrency. Every patch was
written against one moto version, so the launcher refuses to start on any other.
"""

import argparse
import copy
import itertools
import json
import logging
import os
import queue
import re
import secrets
import signal
import sys
import threading
import time
from datetime import datetime, timezone
from urllib.parse import quote_plus, urlsplit

SUPPORTED_MOTO_VERSION = "5.2.1"
EXIT_UNSUPPORTED = 3

# A Lambda function runs for at most 15 minutes; give the host a little longer to answer.
LAMBDA_READ_TIMEOUT_SECONDS = 960
LAMBDA_CONNECT_TIMEOUT_SECONDS = 10

LOG = logging.getLogger("moto_launcher")


class UnsupportedMoto(RuntimeError):
    pass


def moto_version():
    try:
        import moto
    except ImportError as error:
        raise UnsupportedMoto(
            f"moto is not importable by {sys.executable} ({error}); "
            f'install it with: pip install "moto[server]=={SUPPORTED_MOTO_VERSION}", '
            "or run this file with the Python that local/bin/find-python moto prints"
        ) from None
    return getattr(moto, "__version__", "unknown")


def require_supported_moto():
    """Every patch calls this first: the patches name moto internals that change between releases."""
    found = moto_version()
    if found != SUPPORTED_MOTO_VERSION:
        raise UnsupportedMoto(
            f"this launcher supports moto {SUPPORTED_MOTO_VERSION} only, found moto {found} "
            f"in {sys.executable}; its patches touch moto internals, so check them against the "
            f'new version before changing SUPPORTED_MOTO_VERSION, or install: pip install "moto[server]=={SUPPORTED_MOTO_VERSION}"'
        )


# --- Lambda clients for the local Lambda host ---------------------------------------------------

class LambdaHost:
    """Builds and caches one boto3 Lambda client per region, all pointed at the local Lambda host.

    boto3 clients are thread-safe once built; building them is not, so each is built under a lock in
    a session of its own.
    """

    def __init__(self, endpoint_url, default_region):
        self.endpoint_url = endpoint_url
        self.default_region = default_region
        self._clients = {}
        self._lock = threading.Lock()

    def client(self, region=None):
        region = region or self.default_region
        with self._lock:
            client = self._clients.get(region)
            if client is None:
                import boto3
                from botocore.config import Config

                client = boto3.session.Session().client(
                    "lambda",
                    region_name=region,
                    endpoint_url=self.endpoint_url,
                    aws_access_key_id="local",
                    aws_secret_access_key="local",
                    config=Config(
                        # As moto's own client: the ASL engine hands over raw payload bytes, and a
                        # failed call is the state's error (Retry in the state machine decides).
                        parameter_validation=False,
                        retries={"max_attempts": 0, "total_max_attempts": 1},
                        connect_timeout=LAMBDA_CONNECT_TIMEOUT_SECONDS,
                        read_timeout=LAMBDA_READ_TIMEOUT_SECONDS,
                    ),
                )
                self._clients[region] = client
            return client


# --- (a) Step Functions Lambda tasks ---------------------------------------------------------------

def patch_stepfunctions_lambda_client(lambda_host):
    """Route the ASL engine's Lambda client to the Lambda host; other services stay on moto.

    lambda_eval_utils (Task "Resource": a Lambda ARN, and arn:aws:states:::lambda:invoke) calls
    boto_client_for(region=..., service="lambda", state_credentials=...) and then
    client.invoke(FunctionName=<the Resource ARN>, Payload=<bytes>). A reply with FunctionError set
    raises lambda_eval_utils.LambdaFunctionErrorException(payload); StateTaskLambda._from_error takes
    the payload's "errorType" as the error name that Retry and Catch match.
    """
    require_supported_moto()
    import importlib

    from moto.stepfunctions.parser.asl.utils import boto_client as boto_client_module

    original = boto_client_module.boto_client_for
    if getattr(original, "_local_lambda_host", False):
        return

    def boto_client_for(region, service, state_credentials=None):
        if service == "lambda":
            return lambda_host.client(region)
        return original(region=region, service=service, state_credentials=state_credentials)

    boto_client_for._local_lambda_host = True
    boto_client_module.boto_client_for = boto_client_for

    # Modules that already did `from ...boto_client import boto_client_for` hold the original.
    for name in (
        "moto.stepfunctions.parser.asl.component.state.exec.state_task.lambda_eval_utils",
        "moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_aws_sdk",
    ):
        importlib.import_module(name)
    for module in list(sys.modules.values()):
        if getattr(module, "boto_client_for", None) is original:
            module.boto_client_for = boto_client_for


def lambda_service_error_name(error):
    """The error name AWS Step Functions gives a failed Lambda *service* call, or None.

    Handler exceptions are not service errors (they come back as 200 + X-Amz-Function-Error).
    """
    from botocore.exceptions import BotoCoreError, ClientError

    if isinstance(error, ClientError):
        code = str(error.response.get("Error", {}).get("Code") or "")
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
        if re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", code):
            return f"Lambda.{code}"
        if status == 429:
            return "Lambda.TooManyRequestsException"
        if status >= 500:
            return "Lambda.ServiceException"
        return "Lambda.AWSLambdaException"
    if isinstance(error, BotoCoreError):  # no answer: connection refused or reset, read timeout
        return "Lambda.SdkClientException"
    return None


def patch_lambda_service_error_names():
    """Name Lambda service failures as AWS does, so the state machine's Lambda.* retriers apply.

    StateTaskLambda._from_error names every botocore ClientError "Exception" and a connection
    failure States.TaskFailed (reported as "Exception"). AWS names them after the Lambda error:
    Lambda.TooManyRequestsException (429), Lambda.ServiceException (5xx),
    Lambda.ResourceNotFoundException (404), Lambda.SdkClientException (no answer). The Lambda host
    signals these like Lambda, with the X-Amzn-ErrorType header.
    """
    require_supported_moto()
    from moto.stepfunctions.parser.api import HistoryEventType, LambdaFunctionFailedEventDetails
    from moto.stepfunctions.parser.asl.component.common.error_name.custom_error_name import CustomErrorName
    from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import FailureEvent
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.state_task_lambda import StateTaskLambda
    from moto.stepfunctions.parser.asl.eval.event.event_detail import EventDetails

    original = StateTaskLambda._from_error
    if getattr(original, "_local_lambda_host", False):
        return

    def _from_error(self, env, ex):
        name = lambda_service_error_name(ex)
        if name is None:
            return original(self, env, ex)
        if hasattr(ex, "response"):
            cause = ex.response.get("Error", {}).get("Message") or str(ex)
        else:
            cause = str(ex)
        return FailureEvent(
            env=env,
            error_name=CustomErrorName(name),
            event_type=HistoryEventType.LambdaFunctionFailed,
            event_details=EventDetails(
                lambdaFunctionFailedEventDetails=LambdaFunctionFailedEventDetails(error=name, cause=cause)
            ),
        )

    _from_error._local_lambda_host = True
    StateTaskLambda._from_error = _from_error


# --- (b) S3 -> Lambda notifications ----------------------------------------------------------------

# S3's sequencer orders the events of one key: a fixed-length uppercase hex string that increases.
_sequencer = itertools.count(time.time_ns() // 1000)
_sequencer_lock = threading.Lock()


def _next_sequencer():
    with _sequencer_lock:
        return f"{next(_sequencer):016X}"


def _aws_shaped_s3_event(event, event_name, bucket, key):
    """Bring moto's S3 event record to the shape AWS sends (notification-content-structure).

    What moto 5.2.1 gets wrong, and what is done about it:
      * object.key is quote_plus(key) with '/' encoded as %2F; AWS leaves '/' as is
        ("inputs/red+kettle+%281%29.jpg"): re-encoded with '/' kept.
      * object.versionId is missing; AWS sends it for a versioning-enabled bucket: added when the
        object has a version (moto uses "null" for unversioned objects, then it is left out as AWS
        does).
      * object.sequencer is missing: added (uppercase hex, increasing).
      * eventTime is local time with microseconds and no zone ("2024-01-01T12:00:00.123456");
        AWS sends UTC ISO-8601 with milliseconds ("2024-01-01T12:00:00.123Z"): rewritten.
      * userIdentity, requestParameters, responseElements and bucket.ownerIdentity are missing:
        added with placeholder values (no caller identity is known here).
      * ObjectRemoved events carry size and eTag of the deleted object; AWS sends neither: dropped.
    """
    record = event["Records"][0]
    now = datetime.now(timezone.utc)
    record["eventTime"] = now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"
    record["userIdentity"] = {"principalId": "AWS:AIDALOCALEXAMPLE"}
    record["requestParameters"] = {"sourceIPAddress": "127.0.0.1"}
    record["responseElements"] = {
        "x-amz-request-id": secrets.token_hex(8).upper(),
        "x-amz-id-2": secrets.token_urlsafe(48),
    }
    s3 = record["s3"]
    s3["bucket"] = {
        "name": s3["bucket"]["name"],
        "ownerIdentity": {"principalId": "ALOCALEXAMPLE"},
        "arn": s3["bucket"]["arn"],
    }
    obj = s3["object"]
    obj["key"] = quote_plus(key.name, safe="/")
    if str(event_name).startswith("s3:ObjectRemoved"):
        obj.pop("size", None)
        obj.pop("eTag", None)
    version_id = getattr(key, "version_id", None)
    if version_id and version_id != "null":
        obj["versionId"] = version_id
    obj["sequencer"] = _next_sequencer()
    return event


class AsyncInvoker:
    """Delivers S3 events to the Lambda host one at a time, off the S3 request thread, like S3 does."""

    def __init__(self, lambda_host):
        self.lambda_host = lambda_host
        self._queue = queue.Queue()
        threading.Thread(target=self._run, name="s3-to-lambda", daemon=True).start()

    def submit(self, function_arn, region, event):
        self._queue.put((function_arn, region, event))

    def _run(self):
        while True:
            function_arn, region, event = self._queue.get()
            try:
                response = self.lambda_host.client(region).invoke(
                    FunctionName=function_arn,
                    InvocationType="Event",
                    Payload=json.dumps(event).encode("utf-8"),
                )
                status = response.get("StatusCode")
                if status != 202:
                    LOG.warning("S3 event to %s: Lambda host answered %s, expected 202", function_arn, status)
            except Exception as error:  # the S3 request has long returned: report, don't raise
                LOG.warning("S3 event to %s not delivered: %s", function_arn, error)


def patch_s3_notifications(lambda_host):
    """Send S3 -> Lambda notifications to the Lambda host, as AWS-shaped events.

    moto.s3.notifications.send_event calls _get_s3_event(event_name, bucket, key, notification_id)
    for each matching notification, then _invoke_awslambda(account_id, event_body, fn_arn,
    region_name); both are looked up in the module at call time, so replacing them there is enough.
    The SQS and SNS destinations get the same corrected event.
    """
    require_supported_moto()
    from moto.s3 import notifications

    if getattr(notifications._invoke_awslambda, "_local_lambda_host", False):
        return

    original_get_s3_event = notifications._get_s3_event
    invoker = AsyncInvoker(lambda_host)

    def _get_s3_event(event_name, bucket, key, notification_id):
        event = original_get_s3_event(event_name, bucket, key, notification_id)
        return _aws_shaped_s3_event(event, event_name, bucket, key)

    def _invoke_awslambda(account_id, event_body, fn_arn, region_name):
        invoker.submit(fn_arn, region_name, event_body)

    _invoke_awslambda._local_lambda_host = True
    notifications._get_s3_event = _get_s3_event
    notifications._invoke_awslambda = _invoke_awslambda


_FILTER_RULE_NAME = re.compile(r"<Name>\s*(prefix|suffix)\s*</Name>", re.IGNORECASE)


def patch_s3_filter_rule_names():
    """Accept filter rule names in any case, as S3 does.

    moto's S3Response._notification_config_from_body asserts Name in ["suffix", "prefix"], so the
    AWS SDK for Java v2 (FilterRuleName.PREFIX is sent as "Prefix") gets an HTTP 500 from
    PutBucketNotificationConfiguration. The names are lowercased in the request body first.
    """
    require_supported_moto()
    from moto.s3.responses import S3Response

    original = S3Response._notification_config_from_body
    if getattr(original, "_local_lambda_host", False):
        return

    def _notification_config_from_body(self):
        body = self.body
        if isinstance(body, bytes):
            self.body = _FILTER_RULE_NAME.sub(
                lambda m: f"<Name>{m.group(1).lower()}</Name>", body.decode("utf-8")
            ).encode("utf-8")
        elif isinstance(body, str):
            self.body = _FILTER_RULE_NAME.sub(lambda m: f"<Name>{m.group(1).lower()}</Name>", body)
        return original(self)

    _notification_config_from_body._local_lambda_host = True
    S3Response._notification_config_from_body = _notification_config_from_body


# --- (f) CloudFormation: what moto's models leave out of the template ------------------------------

# The local stack's one stack id, so that the bucket name the template derives from it is the same on
# every run.
LOCAL_STACK_UUID = "10ca1000-0000-4000-8000-000000000000"

_LIFECYCLE_FIELDS = {"Id", "Status", "Prefix", "ExpirationInDays", "ExpiredObjectDeleteMarker",
                     "NoncurrentVersionExpiration", "AbortIncompleteMultipartUpload", "Transitions"}


def _lifecycle_rule(rule):
    """A CloudFormation lifecycle rule in the shape moto's PutBucketLifecycleConfiguration parses."""
    unknown = set(rule) - _LIFECYCLE_FIELDS
    if unknown:
        raise ValueError(f"lifecycle rule {rule.get('Id')}: the local stack does not apply {sorted(unknown)}")
    out = {"ID": rule.get("Id"), "Status": rule["Status"], "Filter": {"Prefix": rule.get("Prefix", "")}}
    expiration = {}
    if "ExpirationInDays" in rule:
        expiration["Days"] = int(rule["ExpirationInDays"])
    if "ExpiredObjectDeleteMarker" in rule:
        expiration["ExpiredObjectDeleteMarker"] = str(rule["ExpiredObjectDeleteMarker"]).lower()
    if expiration:
        out["Expiration"] = expiration
    if "NoncurrentVersionExpiration" in rule:
        out["NoncurrentVersionExpiration"] = {"NoncurrentDays": int(rule["NoncurrentVersionExpiration"]["NoncurrentDays"])}
    if "AbortIncompleteMultipartUpload" in rule:
        days = int(rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"])
        out["AbortIncompleteMultipartUpload"] = {"DaysAfterInitiation": days}
    if "Transitions" in rule:
        out["Transition"] = [{"Days": int(t["TransitionInDays"]), "StorageClass": t["StorageClass"]}
                             for t in rule["Transitions"]]
    return out


def patch_cloudformation_models():
    """Let CreateStack create the SAM-transformed template as the local stack needs it.

    moto 5.2.1's CloudFormation models, checked against the template:
      * AWS::Lambda::Alias has no model (skipped with a warning, Ref gives None): added, creating the
        alias (AliasArn, Ref = alias ARN); AWS::Lambda::Version answers no Fn::GetAtt Version: added.
      * AWS::S3::Bucket applies only BucketEncryption and Tags: VersioningConfiguration,
        LifecycleConfiguration and NotificationConfiguration (LambdaConfigurations) are applied here.
        A rule that an Fn::If removed (AWS::NoValue) reaches the model as None: left out.
      * AWS::DynamoDB::Table ignores TimeToLiveSpecification: applied here.
      * AWS::StepFunctions::StateMachine is created in the backend that does not execute; the API
        (moto.stepfunctions.responses.get_backend) uses the executing one: created there.
      * Stack ids are random: the local stack's is fixed (LOCAL_STACK_UUID). Generated table and queue
        names end in a random suffix: locally they are STACK-LogicalId, the same on every run (the
        README names the jobs table).
    """
    require_supported_moto()
    import moto.cloudformation.models as cloudformation_models
    import moto.cloudformation.parsing as cloudformation_parsing
    from moto.awslambda.models import LambdaVersion, lambda_backends
    from moto.core.common_models import CloudFormationModel
    from moto.dynamodb.models import dynamodb_backends
    from moto.dynamodb.models.table import Table
    from moto.s3.models import FakeBucket, s3_backends
    from moto.utilities.utils import get_partition

    if getattr(FakeBucket.create_from_cloudformation_json, "_local_lambda_host", False):
        return

    def version_attribute(self, attribute):
        if attribute == "Version":
            return self.version
        raise NotImplementedError(attribute)

    LambdaVersion.get_cfn_attribute = version_attribute
    LambdaVersion.has_cfn_attr = classmethod(lambda cls, attribute: attribute == "Version")

    class LambdaAliasModel(CloudFormationModel):
        __module__ = "moto.awslambda.local_alias"  # moto files models by the second part of the module name

        def __init__(self, alias):
            self.alias = alias
            self.physical_resource_id = alias.arn

        @staticmethod
        def cloudformation_type():
            return "AWS::Lambda::Alias"

        @staticmethod
        def cloudformation_name_type():
            return "Name"

        @classmethod
        def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
            p = cloudformation_json["Properties"]
            return cls(lambda_backends[account_id][region_name].create_alias(
                name=p["Name"], function_name=p["FunctionName"], function_version=str(p.get("FunctionVersion", "$LATEST")),
                description=p.get("Description", ""), routing_config=None))

        def get_cfn_attribute(self, attribute):
            if attribute == "AliasArn":
                return self.alias.arn
            raise NotImplementedError(attribute)

    create_bucket = FakeBucket.create_from_cloudformation_json.__func__

    def create_bucket_completely(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        bucket = create_bucket(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        backend = s3_backends[account_id][get_partition(region_name)]
        properties = cloudformation_json.get("Properties", {})
        if "VersioningConfiguration" in properties:
            backend.put_bucket_versioning(bucket.name, properties["VersioningConfiguration"]["Status"])
        rules = [r for r in properties.get("LifecycleConfiguration", {}).get("Rules", []) if r is not None]
        if rules:
            backend.put_bucket_lifecycle(bucket.name, [_lifecycle_rule(r) for r in rules])
        functions = properties.get("NotificationConfiguration", {}).get("LambdaConfigurations", [])
        if functions:
            backend.put_bucket_notification_configuration(bucket.name, {"CloudFunctionConfiguration": [
                {"Id": f"{c['Function']}-{i}", "CloudFunction": c["Function"], "Event": [c["Event"]],
                 "Filter": {"S3Key": {"FilterRule": [{"Name": f["Name"].lower(), "Value": f["Value"]}
                                                     for f in c.get("Filter", {}).get("S3Key", {}).get("Rules", [])]}}}
                for i, c in enumerate(functions)]})
        return bucket

    create_bucket_completely._local_lambda_host = True
    FakeBucket.create_from_cloudformation_json = classmethod(create_bucket_completely)

    create_table = Table.create_from_cloudformation_json.__func__

    def create_table_with_ttl(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        table = create_table(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        ttl = cloudformation_json["Properties"].get("TimeToLiveSpecification")
        if ttl and str(ttl.get("Enabled")).lower() == "true":
            dynamodb_backends[account_id][region_name].update_time_to_live(
                table.name, {"AttributeName": ttl["AttributeName"], "Enabled": True})
        return table

    Table.create_from_cloudformation_json = classmethod(create_table_with_ttl)

    from moto.stepfunctions.models import StateMachine, cfn_to_api_tags
    from moto.stepfunctions.responses import get_backend

    def create_state_machine(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        p = cloudformation_json["Properties"]
        return get_backend(account_id, region_name).create_state_machine(
            p.get("StateMachineName", resource_name), p.get("DefinitionString", ""), p.get("RoleArn", ""),
            tags=cfn_to_api_tags(p.get("Tags", [])))

    StateMachine.create_from_cloudformation_json = classmethod(create_state_machine)

    original_name = cloudformation_parsing.generate_resource_name

    def generate_resource_name(resource_type, stack_name, logical_id):
        if resource_type in ("AWS::DynamoDB::Table", "AWS::SQS::Queue"):
            return f"{stack_name}-{logical_id}"
        return original_name(resource_type, stack_name, logical_id)

    cloudformation_parsing.generate_resource_name = generate_resource_name
    cloudformation_models.generate_stack_id = lambda stack_name, region, account: (
        f"arn:{get_partition(region)}:cloudformation:{region}:{account}:stack/{stack_name}/{LOCAL_STACK_UUID}")


# --- (c) Step Functions: StartExecution while other executions run ---------------------------------

def patch_state_machine_deepcopy():
    """Let StartExecution copy a state machine whose executions are running.

    StepFunctionsParserBackend.start_execution deep-copies the state machine to pin the definition
    for the new execution. The copy walks .executions (running workers hold thread locks: "cannot
    pickle '_thread.lock' object", HTTP 500 on the second StartExecution) and .backend (the whole
    backend, again with every execution). The copy now starts with no executions and shares the
    backend. Set on StateMachineInstance, so published versions (StateMachineVersion) are covered too.
    """
    require_supported_moto()
    from moto.stepfunctions.models import StateMachineInstance

    if "__deepcopy__" in StateMachineInstance.__dict__:
        return

    def __deepcopy__(self, memo):
        clone = self.__class__.__new__(self.__class__)
        memo[id(self)] = clone
        for name, value in self.__dict__.items():
            if name == "executions":
                clone.__dict__[name] = []
            elif name == "backend":
                clone.__dict__[name] = value
            else:
                clone.__dict__[name] = copy.deepcopy(value, memo)
        return clone

    StateMachineInstance.__deepcopy__ = __deepcopy__


# --- (d) Step Functions: execution names -------------------------------------------------------------

def patch_execution_names():
    """Name checks on StartExecution, as in AWS.

    With execution enabled, moto uses StepFunctionsParserBackend.start_execution, which skips the
    name validation of the plain backend (so a jobId that AWS would reject as an execution name
    passes locally) and names an unnamed execution "None". The wrapper validates a given name with
    moto's own StepFunctionBackend._validate_name and gives an unnamed execution a UUID, as AWS does.
    """
    require_supported_moto()
    import uuid

    from moto.stepfunctions.parser.models import StepFunctionsParserBackend

    original = StepFunctionsParserBackend.start_execution
    if getattr(original, "_local_lambda_host", False):
        return

    def start_execution(self, state_machine_arn, name=None, execution_input=None, trace_header=None):
        if name:
            self._validate_name(name)
        else:
            name = str(uuid.uuid4())
        return original(self, state_machine_arn, name, execution_input, trace_header)

    start_execution._local_lambda_host = True
    StepFunctionsParserBackend.start_execution = start_execution


# --- (e) DynamoDB: one request at a time --------------------------------------------------------

def patch_dynamodb_serial_requests():
    """Make each DynamoDB request atomic, as DynamoDB makes each conditional write and transaction.

    moto's backend evaluates a condition and then writes without a lock, so two threaded requests can
    both pass "attribute_not_exists" or "inUse < :limit"; and a cancelled TransactWriteItems restores
    a deep copy of every table it touched, undoing writes other requests made meanwhile. The slot
    ledger relies on both being atomic. DynamoHandler.call_action (one per request) now runs under one
    lock: DynamoDB requests are served one after another; other services are not affected.
    """
    require_supported_moto()
    from moto.dynamodb.responses import DynamoHandler

    original = DynamoHandler.call_action
    if getattr(original, "_local_lambda_host", False):
        return
    lock = threading.RLock()

    def call_action(self):
        with lock:
            return original(self)

    call_action._local_lambda_host = True
    DynamoHandler.call_action = call_action


def enable_state_machine_execution():
    """moto only runs state machines when its config says so (read per request in
    moto.stepfunctions.responses.get_backend, which then uses the parser backend)."""
    require_supported_moto()
    from moto.core.config import default_user_config

    default_user_config["stepfunctions"] = {"execute_state_machine": True}


def apply_patches(lambda_endpoint, region):
    lambda_host = LambdaHost(lambda_endpoint, region)
    enable_state_machine_execution()
    patch_stepfunctions_lambda_client(lambda_host)
    patch_lambda_service_error_names()
    patch_s3_notifications(lambda_host)
    patch_s3_filter_rule_names()
    patch_state_machine_deepcopy()
    patch_execution_names()
    patch_dynamodb_serial_requests()
    patch_cloudformation_models()


# --- request counts --------------------------------------------------------------------------------

_CREDENTIAL_SERVICE = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/([^/]+)/aws4_request")


class RequestCounter:
    """Counts the requests moto serves, by service and operation, for the local benchmark.

    GET /_local/requests answers the counts as JSON ({"dynamodb:PutItem": 12, "s3:PUT": 3, ...}); that
    path is not an AWS API. The service comes from the SigV4 credential scope, the operation from
    X-Amz-Target (JSON protocols) or else the HTTP method (S3).
    """

    PATH = "/_local/requests"

    def __init__(self, app):
        self.app = app
        self.counts = {}
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == self.PATH and environ.get("REQUEST_METHOD") == "GET":
            with self.lock:
                body = json.dumps(self.counts, sort_keys=True).encode("utf-8")
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        match = _CREDENTIAL_SERVICE.search(environ.get("HTTP_AUTHORIZATION", ""))
        if match:
            target = environ.get("HTTP_X_AMZ_TARGET", "")
            operation = target.split(".")[-1] if target else environ.get("REQUEST_METHOD", "?")
            key = f"{match.group(1)}:{operation}"
            with self.lock:
                self.counts[key] = self.counts.get(key, 0) + 1
        return self.app(environ, start_response)


# --- server ----------------------------------------------------------------------------------------

def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=f"moto {SUPPORTED_MOTO_VERSION} server with Lambda calls routed to a local Lambda host"
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, required=True, help="port to serve on")
    parser.add_argument(
        "--lambda-endpoint", required=True,
        help="base URL of the local Lambda host (Lambda Invoke API), e.g. http://127.0.0.1:9001",
    )
    parser.add_argument("--region", default="us-east-1", help="default region (default us-east-1)")
    parser.add_argument("--quiet", action="store_true", help="do not log each request")
    args = parser.parse_args(argv)
    endpoint = urlsplit(args.lambda_endpoint)
    if endpoint.scheme not in ("http", "https") or not endpoint.netloc:
        parser.error(f"--lambda-endpoint must be an http(s) URL, got {args.lambda_endpoint!r}")
    return args


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    if args.quiet:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)

    try:
        require_supported_moto()
    except UnsupportedMoto as error:
        print(f"moto_launcher: {error}", file=sys.stderr, flush=True)
        return EXIT_UNSUPPORTED

    # moto's clients for services other than Lambda (e.g. a DynamoDB task) call back
    # http://localhost:$MOTO_PORT; it must be this server.
    os.environ["MOTO_PORT"] = str(args.port)
    os.environ.setdefault("AWS_DEFAULT_REGION", args.region)

    apply_patches(args.lambda_endpoint, args.region)

    from werkzeug.serving import make_server
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    # What moto.moto_server.threaded_moto_server.ThreadedMotoServer does, with the bind in this thread
    # so that a busy port fails here instead of hanging.
    app = RequestCounter(DomainDispatcherApplication(create_backend_app))
    try:
        server = make_server(args.host, args.port, app, threaded=True)
    except OSError as error:
        print(f"moto_launcher: cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr, flush=True)
        return 1

    stop = threading.Event()

    def on_signal(signum, _frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    serving = threading.Thread(target=server.serve_forever, name="moto-server", daemon=True)
    serving.start()
    host, port = server.server_address[:2]
    print(f"moto ready on http://{host}:{port} (moto {moto_version()})", flush=True)

    while not stop.wait(1.0):
        pass
    server.shutdown()
    server.server_close()
    print("moto stopped", flush=True)
    sys.stderr.flush()
    # Running executions are daemon threads sleeping in Wait states: don't wait for them.
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
