#!/usr/bin/env python3
"""Self-test of local/moto_launcher.py: moto + the Lambda routing, against a scripted fake Lambda host.

    python local/tests/moto_launcher_check.py

Needs a Python with moto[server] (see local/bin/find-python). Plain Python, no test framework: prints
one line per check, then "N passed, N failed", and exits non-zero when a check failed.
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

HERE = Path(__file__).resolve().parent
LAUNCHER = HERE.parent / "moto_launcher.py"
REPO = HERE.parent.parent
STATE_MACHINE_FILE = REPO / "statemachine" / "video-job.asl.json"

REGION = "us-east-1"
ACCOUNT = "123456789012"
RETRYABLE = "com.klingvideo.pipeline.domain.failure.KlingRetryableException"
NOT_RETRYABLE = "com.klingvideo.pipeline.domain.failure.KlingRejectedException"


def function_arn(name, qualifier="live"):
    return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}:{qualifier}"


CHECK_STATUS_ARN = function_arn("CheckStatusFunction")
SUBMIT_ARN = function_arn("SubmitFunction")

# --- reporting -------------------------------------------------------------------------------------

class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print(f"PASS {name}", flush=True)
        else:
            self.failed += 1
            print(f"FAIL {name}" + (f": {detail}" if detail else ""), flush=True)
        return ok


# --- fake Lambda host ------------------------------------------------------------------------------

class FakeLambdaHost:
    """The Lambda Invoke API with scripted answers; records every request."""

    PATH = re.compile(r"^/2015-03-31/functions/(?P<name>[^/]+)/invocations$")

    def __init__(self):
        self.requests = []
        self.lock = threading.Lock()
        self.check_status_calls = {}  # jobId -> number of status checks so far
        host = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                status, headers, payload = host.handle(self.path, dict(self.headers.items()), body)
                try:
                    self.send_response(status)
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the caller gave up (a timed-out task, a stopped launcher)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def recorded(self, function=None):
        with self.lock:
            return [r for r in self.requests if function is None or r["function"] == function]

    @staticmethod
    def _json(status, obj, headers=None):
        return status, dict({"Content-Type": "application/json"}, **(headers or {})), json.dumps(obj).encode()

    def handle(self, raw_path, headers, body):
        split = urlsplit(raw_path)
        match = self.PATH.match(split.path)
        if not match:
            return self._json(404, {"message": f"no route {split.path}"})
        name_or_arn = unquote(match.group("name"))
        parts = name_or_arn.split(":")
        function = parts[6] if name_or_arn.startswith("arn:") and len(parts) >= 7 else parts[0]
        invocation_type = headers.get("X-Amz-Invocation-Type", "RequestResponse")
        try:
            payload = json.loads(body) if body else None
        except ValueError:
            payload = body.decode("utf-8", "replace")
        with self.lock:
            self.requests.append({
                "raw_path": split.path, "name": name_or_arn, "function": function,
                "invocation_type": invocation_type, "headers": headers, "payload": payload,
                "time": time.monotonic(),
            })
        if function not in ("CheckStatusFunction", "SubmitFunction"):
            return self._json(404, {"Type": "User", "message": f"Function not found: {name_or_arn}"},
                              {"X-Amzn-ErrorType": "ResourceNotFoundException"})
        if invocation_type == "Event":
            return 202, {}, b""
        if function == "SubmitFunction":
            return self._json(200, {"ok": True})
        return self.check_status(payload)

    def check_status(self, payload):
        job_id = payload.get("jobId")
        if "error" in payload:  # the "Record Failure" task: job-1's task is still running, so it waits on
            if job_id == "job-1":
                return self._json(200, {"jobId": job_id, "status": "PROCESSING", "waitSeconds": 1, "pollCount": 1})
            return self._json(200, {"jobId": job_id, "status": "FAILED", "recorded": payload["error"]})
        with self.lock:
            call = self.check_status_calls.get(job_id, 0) + 1
            self.check_status_calls[job_id] = call
        if job_id == "job-1":
            if call == 1:
                return self.function_error(RETRYABLE, "Kling answered 1302 (rate limited), try again")
            return self._json(200, {"jobId": job_id, "status": "SUCCEEDED", "waitSeconds": 0, "pollCount": 2})
        if job_id == "job-2":
            return self.function_error(NOT_RETRYABLE, "Kling rejected the image (1201)")
        if job_id == "job-5" and call == 1:  # Lambda throttled the call: not a handler error
            return self._json(429, {"Type": "User", "message": "Rate exceeded"},
                              {"X-Amzn-ErrorType": "TooManyRequestsException"})
        if job_id == "job-3" and call == 1:
            return self.function_error(RETRYABLE, "Kling is busy")
        if job_id == "job-4":
            time.sleep(4)  # longer than the task's TimeoutSeconds
        return self._json(200, {"jobId": job_id, "status": "SUCCEEDED", "waitSeconds": 0, "pollCount": 1})

    def function_error(self, error_type, message):
        return self._json(
            200,
            {"errorType": error_type, "errorMessage": message, "stackTrace": ["at Handler.handleRequest"]},
            {"X-Amz-Function-Error": "Unhandled"},
        )


# --- launcher process ------------------------------------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_is_free(port):
    """Nothing listens on it, and a server can bind it again (as servers do, with SO_REUSEADDR)."""
    with socket.socket() as s:
        if s.connect_ex(("127.0.0.1", port)) == 0:
            return False
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


class Launcher:
    def __init__(self, lambda_port):
        self.port = free_port()
        self.stderr = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [sys.executable, str(LAUNCHER), "--host", "127.0.0.1", "--port", str(self.port),
             "--lambda-endpoint", f"http://127.0.0.1:{lambda_port}", "--region", REGION, "--quiet"],
            stdout=subprocess.PIPE, stderr=self.stderr, text=True,
        )
        self.lines = []
        self.ready = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            if line.startswith("moto ready on "):
                self.ready.set()

    def stderr_tail(self, lines=30):
        self.stderr.seek(0)
        return "\n".join(self.stderr.read().decode("utf-8", "replace").splitlines()[-lines:])

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def client(service, endpoint):
    return boto3.client(
        service, endpoint_url=endpoint, region_name=REGION,
        aws_access_key_id="testing", aws_secret_access_key="testing",
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )


def wait_for(predicate, timeout, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


# --- scenarios -------------------------------------------------------------------------------------

# Retry timing and task timeouts, which the job poller relies on: IntervalSeconds 30 capped by
# MaxDelaySeconds 1 must retry within about a second, and a task slower than its TimeoutSeconds
# must fail with States.Timeout, which Catch can match.
ENGINE_DEFINITION = {
    "StartAt": "Check",
    "States": {
        "Check": {
            "Type": "Task",
            "Resource": CHECK_STATUS_ARN,
            "Parameters": {"jobId.$": "$.jobId"},
            "TimeoutSeconds": 2,
            "Retry": [{"ErrorEquals": [RETRYABLE], "IntervalSeconds": 30, "MaxAttempts": 1, "BackoffRate": 2,
                       "MaxDelaySeconds": 1, "JitterStrategy": "FULL"}],
            "Catch": [{"ErrorEquals": ["States.Timeout"], "ResultPath": "$.error", "Next": "Timed Out"}],
            "End": True,
        },
        "Timed Out": {"Type": "Pass", "End": True},
    },
}


def state_machine_definition():
    text, source = STATE_MACHINE_FILE.read_text(encoding="utf-8"), "statemachine/video-job.asl.json"

    def substitute(match):
        name = match.group(1)
        if name.endswith("FunctionArn"):
            return function_arn(name[: -len("Arn")])
        raise KeyError(f"no test value for ${{{name}}}")

    return re.sub(r"\$\{([A-Za-z0-9]+)\}", substitute, text), source


def error_code(call):
    try:
        call()
    except ClientError as error:
        return error.response["Error"]["Code"]
    return None


def check_step_functions(checks, moto, host):
    sfn = client("stepfunctions", moto)
    definition, source = state_machine_definition()
    print(f"state machine: {source}", flush=True)
    machine = sfn.create_state_machine(
        name="VideoJobStateMachine", definition=definition,
        roleArn=f"arn:aws:iam::{ACCOUNT}:role/VideoJobStateMachineRole",
    )["stateMachineArn"]

    input_1 = json.dumps({"jobId": "job-1", "waitSeconds": 1})
    input_2 = json.dumps({"jobId": "job-2", "waitSeconds": 1})
    input_5 = json.dumps({"jobId": "job-5", "waitSeconds": 1})
    arn_1 = sfn.start_execution(stateMachineArn=machine, name="job-1", input=input_1)["executionArn"]
    try:
        arn_2 = sfn.start_execution(stateMachineArn=machine, name="job-2", input=input_2)["executionArn"]
        checks.check("second StartExecution while the first runs is accepted", True)
    except ClientError as error:
        checks.check("second StartExecution while the first runs is accepted", False, str(error))
        return

    arn_5 = sfn.start_execution(stateMachineArn=machine, name="job-5", input=input_5)["executionArn"]
    again = sfn.start_execution(stateMachineArn=machine, name="job-1", input=input_1)["executionArn"]
    checks.check("StartExecution with the same name and input while running is idempotent", again == arn_1,
                 f"{again} != {arn_1}")
    code = error_code(lambda: sfn.start_execution(
        stateMachineArn=machine, name="job-1", input=json.dumps({"jobId": "job-1", "waitSeconds": 2})))
    checks.check("same name, other input -> ExecutionAlreadyExists", code == "ExecutionAlreadyExists", str(code))
    code = error_code(lambda: sfn.start_execution(stateMachineArn=machine, name="job 1/x", input=input_1))
    checks.check("an execution name AWS rejects is rejected", code == "InvalidName", str(code))

    engine = sfn.create_state_machine(
        name="EngineCheck", definition=json.dumps(ENGINE_DEFINITION),
        roleArn=f"arn:aws:iam::{ACCOUNT}:role/VideoJobStateMachineRole",
    )["stateMachineArn"]
    arn_3 = sfn.start_execution(stateMachineArn=engine, name="job-3", input=json.dumps({"jobId": "job-3"}))["executionArn"]
    arn_4 = sfn.start_execution(stateMachineArn=engine, name="job-4", input=json.dumps({"jobId": "job-4"}))["executionArn"]

    def finished(arn):
        description = sfn.describe_execution(executionArn=arn)
        return description if description["status"] != "RUNNING" else None

    done_1 = wait_for(lambda: finished(arn_1), 45)
    done_2 = wait_for(lambda: finished(arn_2), 20)

    # job-1: an error -> Catch -> Record Failure says the job still runs -> Video Ready? -> wait -> SUCCEEDED
    checks.check("job-1 ends SUCCEEDED", bool(done_1) and done_1["status"] == "SUCCEEDED",
                 json.dumps(done_1, default=str) + "\n" + json.dumps(host.recorded(), default=str)[:2000])
    calls_1 = [r for r in host.recorded("CheckStatusFunction")
               if isinstance(r["payload"], dict) and r["payload"].get("jobId") == "job-1"]
    checks.check("job-1: CheckStatusFunction called 3 times (error, Record Failure, SUCCEEDED)", len(calls_1) == 3,
                 str(len(calls_1)))
    if calls_1:
        checks.check("the function ARN with its alias qualifier arrives in the path",
                     all(r["name"] == CHECK_STATUS_ARN for r in calls_1), calls_1[0]["name"])
        checks.check("the ARN is percent-encoded in the raw path",
                     calls_1[0]["raw_path"] == "/2015-03-31/functions/" + CHECK_STATUS_ARN.replace(":", "%3A")
                     + "/invocations", calls_1[0]["raw_path"])
        checks.check("task invocations are RequestResponse (no X-Amz-Invocation-Type)",
                     all("X-Amz-Invocation-Type" not in r["headers"] for r in calls_1),
                     str(calls_1[0]["headers"]))
        checks.check("the task payload is the state's Parameters", calls_1[0]["payload"] == {"jobId": "job-1"},
                     str(calls_1[0]["payload"]))
    if len(calls_1) == 3:
        checks.check("Record Failure's output goes through the choice: a live job waits and is checked again",
                     "error" in calls_1[1]["payload"] and "error" not in calls_1[2]["payload"],
                     str([c["payload"] for c in calls_1]))
        checks.check("Wait SecondsPath: the poll after PROCESSING came at least 1 s later",
                     calls_1[2]["time"] - calls_1[1]["time"] >= 0.9,
                     f"{calls_1[2]['time'] - calls_1[1]['time']:.2f}s")
    history_1 = sfn.get_execution_history(executionArn=arn_1, maxResults=1000)["events"]
    failures = [e["lambdaFunctionFailedEventDetails"] for e in history_1 if e["type"] == "LambdaFunctionFailed"]
    checks.check("the handler's errorType is the task's error name (what Retry and Catch match)",
                 len(failures) == 1 and failures[0].get("error") == RETRYABLE, str(failures))
    if failures:
        cause = json.loads(failures[0].get("cause", "{}"))
        checks.check("the error cause is the handler's error payload",
                     cause.get("errorMessage", "").startswith("Kling answered 1302"), str(cause))

    # job-2: non-retryable error -> Catch (ResultPath $.error) -> Record Failure -> Fail
    checks.check("job-2 ends FAILED with the Fail state's error",
                 bool(done_2) and done_2["status"] == "FAILED" and done_2.get("error") == "VideoFailed",
                 json.dumps(done_2, default=str))
    calls_2 = [r for r in host.recorded("CheckStatusFunction")
               if isinstance(r["payload"], dict) and r["payload"].get("jobId") == "job-2"]
    checks.check("job-2: the non-retryable error was not retried",
                 len([r for r in calls_2 if "error" not in r["payload"]]) == 1, str(len(calls_2)))
    recorded = [r["payload"]["error"] for r in calls_2 if "error" in r["payload"]]
    checks.check("Catch put {Error, Cause} at $.error and Record Failure got it",
                 len(recorded) == 1 and recorded[0].get("Error") == NOT_RETRYABLE
                 and "Kling rejected the image" in recorded[0].get("Cause", ""), str(recorded))

    # job-5: the Lambda service (here: the host) throttles -> Lambda.TooManyRequestsException, retried
    done_5 = wait_for(lambda: finished(arn_5), 20)
    history_5 = sfn.get_execution_history(executionArn=arn_5, maxResults=1000)["events"]
    failures_5 = [e["lambdaFunctionFailedEventDetails"].get("error") for e in history_5
                  if e["type"] == "LambdaFunctionFailed"]
    checks.check("a 429 from the Lambda host is Lambda.TooManyRequestsException, retried",
                 bool(done_5) and done_5["status"] == "SUCCEEDED"
                 and failures_5 == ["Lambda.TooManyRequestsException"],
                 f"{done_5 and done_5['status']} {failures_5}")

    # Retry with MaxDelaySeconds / JitterStrategy, task TimeoutSeconds
    done_3 = wait_for(lambda: finished(arn_3), 20)
    calls_3 = [r for r in host.recorded("CheckStatusFunction") if r["payload"] == {"jobId": "job-3"}]
    checks.check("job-3 (Retry with MaxDelaySeconds and JitterStrategy) ends SUCCEEDED",
                 bool(done_3) and done_3["status"] == "SUCCEEDED", json.dumps(done_3, default=str))
    if len(calls_3) == 2:
        gap = calls_3[1]["time"] - calls_3[0]["time"]
        checks.check("MaxDelaySeconds 1 caps IntervalSeconds 30", gap < 3, f"retried after {gap:.2f}s")
    else:
        checks.check("job-3 retried once", False, str(len(calls_3)))
    done_4 = wait_for(lambda: finished(arn_4), 20)
    output_4 = json.loads(done_4.get("output", "{}")) if done_4 else {}
    checks.check("a task over its TimeoutSeconds fails with States.Timeout, caught into ResultPath",
                 bool(done_4) and done_4["status"] == "SUCCEEDED"
                 and output_4.get("error", {}).get("Error") == "States.Timeout",
                 json.dumps(done_4, default=str))

    code = error_code(lambda: sfn.start_execution(stateMachineArn=machine, name="job-1", input=input_1))
    checks.check("StartExecution of a finished execution's name -> ExecutionAlreadyExists",
                 code == "ExecutionAlreadyExists", str(code))


def check_s3_notifications(checks, moto, host):
    s3 = client("s3", moto)
    bucket = "kvp-local-media"
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})

    def notification(rule_names):
        return {"LambdaFunctionConfigurations": [{
            "Id": "submit-on-upload",
            "LambdaFunctionArn": SUBMIT_ARN,
            "Events": ["s3:ObjectCreated:*"],
            "Filter": {"Key": {"FilterRules": [
                {"Name": rule_names[0], "Value": "inputs/"}, {"Name": rule_names[1], "Value": ".jpg"}]}},
        }]}

    # As the AWS SDK for Java v2 sends them (FilterRuleName.PREFIX is "Prefix"): S3 accepts either case.
    try:
        s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=notification(
            ("Prefix", "Suffix")))
        checks.check("filter rule names in any case are accepted (Prefix/Suffix)", True)
    except ClientError as error:
        checks.check("filter rule names in any case are accepted (Prefix/Suffix)", False, str(error))
    s3.put_bucket_notification_configuration(
        Bucket=bucket, NotificationConfiguration=notification(("prefix", "suffix")))
    checks.check("notification configuration to a function moto does not know is accepted", True)

    body = b"\xff\xd8\xff\xe0 not really a jpeg"
    s3.put_object(Bucket=bucket, Key="inputs/photo.png", Body=b"png")
    s3.put_object(Bucket=bucket, Key="elsewhere/photo.jpg", Body=b"jpg")
    put = s3.put_object(Bucket=bucket, Key="inputs/red kettle (1).jpg", Body=body,
                        Metadata={"prompt": "a red kettle, steam rising", "duration": "5"})

    events = wait_for(lambda: host.recorded("SubmitFunction"), 15)
    time.sleep(0.5)  # anything else queued would have come before it
    events = host.recorded("SubmitFunction")
    checks.check("exactly one S3 event delivered (.png and keys outside inputs/ trigger nothing)",
                 len(events) == 1, json.dumps([e["payload"] for e in events])[:1500])
    if not events:
        return
    event = events[0]
    checks.check("delivered as an Event invocation", event["invocation_type"] == "Event", event["invocation_type"])
    checks.check("to the function ARN of the notification configuration", event["name"] == SUBMIT_ARN,
                 event["name"])
    records = event["payload"].get("Records", []) if isinstance(event["payload"], dict) else []
    checks.check("the body is an S3 event with one record", len(records) == 1, str(event["payload"])[:500])
    if not records:
        return
    record = records[0]
    obj = record.get("s3", {}).get("object", {})
    print("S3 event record: " + json.dumps(record, sort_keys=True), flush=True)
    checks.check("eventSource aws:s3, eventName ObjectCreated:Put",
                 record.get("eventSource") == "aws:s3" and record.get("eventName") == "ObjectCreated:Put",
                 f"{record.get('eventSource')} {record.get('eventName')}")
    checks.check("bucket name and ARN", record["s3"].get("bucket", {}).get("name") == bucket
                 and record["s3"]["bucket"].get("arn") == f"arn:aws:s3:::{bucket}", str(record["s3"].get("bucket")))
    checks.check("key URL-encoded as AWS does it", obj.get("key") == "inputs/red+kettle+%281%29.jpg", obj.get("key"))
    checks.check("versionId of the new version", obj.get("versionId") == put.get("VersionId")
                 and bool(put.get("VersionId")), f"{obj.get('versionId')} vs {put.get('VersionId')}")
    checks.check("eTag without quotes", obj.get("eTag") == put["ETag"].strip('"'), f"{obj.get('eTag')} vs {put['ETag']}")
    checks.check("size", obj.get("size") == len(body), str(obj.get("size")))
    checks.check("sequencer is hex", bool(re.fullmatch(r"[0-9A-F]+", str(obj.get("sequencer")))), str(obj.get("sequencer")))
    checks.check("eventTime is UTC ISO-8601 with milliseconds",
                 bool(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", str(record.get("eventTime")))),
                 str(record.get("eventTime")))
    checks.check("configurationId is the notification's Id",
                 record["s3"].get("configurationId") == "submit-on-upload", str(record["s3"].get("configurationId")))
    head = s3.head_object(Bucket=bucket, Key="inputs/red kettle (1).jpg", VersionId=obj.get("versionId", "null"))
    checks.check("the object and its metadata can be read back by the event's key and version",
                 head["Metadata"].get("prompt") == "a red kettle, steam rising", str(head.get("Metadata")))


def check_dynamodb_atomic(checks, moto, host):
    """Conditional writes and transactions hold under concurrency, as the slot ledger needs."""
    ddb = client("dynamodb", moto)
    ddb.create_table(TableName="ledger-check", BillingMode="PAY_PER_REQUEST",
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                           {"AttributeName": "sk", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                                {"AttributeName": "sk", "KeyType": "RANGE"}])
    taken = []

    def take(i):
        try:
            ddb.transact_write_items(TransactItems=[
                {"Update": {"TableName": "ledger-check", "Key": {"pk": {"S": "LEDGER"}, "sk": {"S": "A"}},
                            "UpdateExpression": "SET inUse = if_not_exists(inUse, :zero) + :one",
                            "ConditionExpression": "attribute_not_exists(inUse) OR inUse < :limit",
                            "ExpressionAttributeValues": {":zero": {"N": "0"}, ":one": {"N": "1"},
                                                          ":limit": {"N": "3"}}}},
                {"Put": {"TableName": "ledger-check", "Item": {"pk": {"S": "SLOT"}, "sk": {"S": f"job-{i}"}},
                         "ConditionExpression": "attribute_not_exists(pk)"}}])
            taken.append(i)
        except ClientError as error:
            if error.response["Error"]["Code"] != "TransactionCanceledException":
                raise

    def write(i):
        ddb.put_item(TableName="ledger-check", Item={"pk": {"S": "OTHER"}, "sk": {"S": f"item-{i}"}})

    threads = [threading.Thread(target=take, args=(i,)) for i in range(24)]
    threads += [threading.Thread(target=write, args=(i,)) for i in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    ledger = ddb.get_item(TableName="ledger-check", Key={"pk": {"S": "LEDGER"}, "sk": {"S": "A"}},
                          ConsistentRead=True)["Item"]
    slots = ddb.query(TableName="ledger-check", KeyConditionExpression="pk = :pk",
                      ExpressionAttributeValues={":pk": {"S": "SLOT"}}, ConsistentRead=True)["Count"]
    others = ddb.query(TableName="ledger-check", KeyConditionExpression="pk = :pk",
                       ExpressionAttributeValues={":pk": {"S": "OTHER"}}, ConsistentRead=True)["Count"]
    checks.check("concurrent conditional transactions never pass the limit",
                 len(taken) == 3 and ledger["inUse"]["N"] == "3" and slots == 3,
                 f"taken {len(taken)}, inUse {ledger['inUse']['N']}, slots {slots}")
    checks.check("cancelled transactions do not undo concurrent writes", others == 24, f"{others} of 24 kept")
    with urllib.request.urlopen(moto + "/_local/requests", timeout=10) as response:
        counts = json.loads(response.read())
    checks.check("the launcher counts the requests it served by service and operation",
                 counts.get("dynamodb:TransactWriteItems", 0) >= 24 and counts.get("dynamodb:PutItem", 0) >= 24,
                 json.dumps(counts)[:300])


def check_unsupported_version(checks):
    code = (
        "import sys, runpy, moto; moto.__version__ = '0.0.1'; "
        f"sys.argv = ['moto_launcher.py', '--port', '1', '--lambda-endpoint', 'http://127.0.0.1:1']; "
        f"runpy.run_path({str(LAUNCHER)!r}, run_name='__main__')"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    checks.check("refuses another moto version with exit 3, naming the supported one",
                 result.returncode == 3 and "5.2.1" in result.stderr and "0.0.1" in result.stderr,
                 f"exit {result.returncode}: {result.stderr.strip()[-300:]}")


def main():
    checks = Checks()
    started = time.monotonic()
    host = FakeLambdaHost()
    launcher = Launcher(host.port)
    try:
        if not checks.check("launcher prints its ready line", launcher.ready.wait(60),
                            "\n".join(launcher.lines) + "\n" + launcher.stderr_tail()):
            return checks
        moto = f"http://127.0.0.1:{launcher.port}"
        checks.check("ready line names the address and the moto version",
                     launcher.lines[-1] == f"moto ready on {moto} (moto 5.2.1)", launcher.lines[-1])

        for scenario in (check_step_functions, check_s3_notifications, check_dynamodb_atomic):
            try:
                scenario(checks, moto, host)
            except Exception as error:  # a scenario that crashed is a failure, not the end of the run
                checks.check(f"{scenario.__name__} ran to the end", False, f"{type(error).__name__}: {error}")

        launcher.process.send_signal(signal.SIGTERM)
        try:
            code = launcher.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            code = None
        checks.check("SIGTERM stops the launcher with exit 0", code == 0, str(code))
        checks.check("the port is free afterwards", wait_for(lambda: port_is_free(launcher.port), 5), str(launcher.port))
        check_unsupported_version(checks)
    finally:
        if checks.failed:
            print("launcher stderr (tail):\n" + launcher.stderr_tail(), flush=True)
        launcher.kill()
        host.stop()
        print(f"took {time.monotonic() - started:.1f}s", flush=True)
    return checks


if __name__ == "__main__":
    result = main()
    print(f"{result.passed} passed, {result.failed} failed", flush=True)
    sys.exit(1 if result.failed else 0)
