#!/usr/bin/env python3
"""Deploys template.yaml into a running local moto server with moto's own CloudFormation.

    python local/deploy_stack.py --endpoint http://127.0.0.1:PORT --template template.yaml \
        --stack-name NAME [--parameter KEY=VALUE ...]

The template is SAM-transformed offline (.ci/sam-transform.py) and created with CreateStack: moto
resolves every intrinsic (parameters, conditions, Ref, Fn::GetAtt, Fn::Sub, ...) and creates the tables,
bucket, queue, state machine, roles and log groups, and records the functions (moto runs no code; the
local Lambda host runs the handlers). moto_launcher.py fills in what moto's CloudFormation leaves out
(aliases, bucket versioning, lifecycle rules and notifications, time to live). Before CreateStack:

  * the API Gateway resources, and everything that refers to them, are left out: moto cannot create
    SAM's RestApi (it wants Name, SAM gives Body) and has no stage, key or usage plan; the local API
    serves the jobs API from template.yaml itself;
  * each function's code becomes a stub (moto would fetch the placeholder S3 object) and its name is its
    logical id, so logs and the Lambda host read like the template;
  * the state machine's definition file is put inline with its DefinitionSubstitutions as Fn::Sub
    variables (moto ignores DefinitionS3Location and DefinitionSubstitutions).

Prints, as JSON, what the local stack needs: the stack's outputs, the physical id of each resource,
each function as deployed (its alias ARN, handler, timeout, memory, environment as moto resolved it, asynchronous
retries and on-failure queue) and each schedule.
"""

import argparse
import importlib.util
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REGION = "us-east-1"


def sam_transform_module():
    spec = importlib.util.spec_from_file_location("sam_transform", os.path.join(HERE, "..", ".ci", "sam-transform.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def refers_to(node, logical_id):
    text = json.dumps(node)
    return f'"{logical_id}"' in text or f"${{{logical_id}}}" in text or f"${{{logical_id}." in text


def for_moto(sam_template, template_dir):
    """The transformed template, changed as the module docstring says."""
    definitions = {
        logical_id: os.path.join(template_dir, resource["Properties"]["DefinitionUri"])
        for logical_id, resource in sam_template["Resources"].items()
        if resource["Type"] == "AWS::Serverless::StateMachine"
    }
    template = sam_transform_module().transform(sam_template)
    resources = template["Resources"]
    left_out = [i for i, r in resources.items() if r["Type"].startswith("AWS::ApiGateway::")]
    changed = True
    while changed:
        changed = False
        for logical_id, resource in resources.items():
            if logical_id not in left_out and any(refers_to(resource, gone) for gone in left_out):
                left_out.append(logical_id)
                changed = True
    for logical_id in left_out:
        del resources[logical_id]
    outputs = template.get("Outputs", {})
    for name in [n for n, o in outputs.items() if any(refers_to(o, gone) for gone in left_out)]:
        del outputs[name]
    for logical_id, resource in resources.items():
        properties = resource.setdefault("Properties", {})
        if resource["Type"] == "AWS::Lambda::Function":
            properties["Code"] = {"ZipFile": "hosted by the local Lambda host"}
            properties["FunctionName"] = logical_id
        elif resource["Type"] == "AWS::StepFunctions::StateMachine":
            properties.pop("DefinitionS3Location")
            with open(definitions[logical_id], encoding="utf-8") as file:
                definition = file.read()
            properties["DefinitionString"] = {"Fn::Sub": [definition, properties.pop("DefinitionSubstitutions", {})]}
    return template


def main(argv=None):
    parser = argparse.ArgumentParser(description="deploy template.yaml into local moto with CloudFormation")
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--template", required=True)
    parser.add_argument("--stack-name", required=True)
    parser.add_argument("--parameter", action="append", default=[], help="KEY=VALUE")
    args = parser.parse_args(argv)

    try:
        from cfnlint.decode import decode
    except ImportError as error:
        print(f"deploy_stack: {error}; the SAM transform needs cfn-lint (it brings aws-sam-translator) in "
              f"{sys.executable}: pip install cfn-lint", file=sys.stderr)
        return 1

    sam_template, problems = decode(args.template)
    if problems:
        for problem in problems:
            print(f"{args.template}: {problem}", file=sys.stderr)
        return 1
    template = for_moto(sam_template, os.path.dirname(os.path.abspath(args.template)))

    import boto3

    def client(service):
        return boto3.session.Session().client(service, endpoint_url=args.endpoint, region_name=REGION,
                                              aws_access_key_id="test", aws_secret_access_key="test")

    cfn = client("cloudformation")
    parameters = [dict(zip(("ParameterKey", "ParameterValue"), p.split("=", 1))) for p in args.parameter]
    cfn.create_stack(StackName=args.stack_name, TemplateBody=json.dumps(template), Parameters=parameters,
                     Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"])
    stack = cfn.describe_stacks(StackName=args.stack_name)["Stacks"][0]
    if stack["StackStatus"] != "CREATE_COMPLETE":
        print(f"stack {stack['StackStatus']}: {stack.get('StackStatusReason')}", file=sys.stderr)
        return 1
    physical = {r["LogicalResourceId"]: r.get("PhysicalResourceId")
                for r in cfn.list_stack_resources(StackName=args.stack_name)["StackResourceSummaries"]
                if r["LogicalResourceId"]}  # moto lists the resources it has no model for without an id

    resources = template["Resources"]

    def target(arn_node):
        """The function logical id behind a (Ref/GetAtt of an) alias or function."""
        node = arn_node.get("Ref") or arn_node.get("Fn::GetAtt", [None])[0]
        resource = resources[node]
        return resource["Properties"]["FunctionName"]["Ref"] if resource["Type"] == "AWS::Lambda::Alias" else node

    invoke_configs = {target({"Ref": r["Properties"]["FunctionName"]["Ref"]}): r["Properties"]
                      for r in resources.values() if r["Type"] == "AWS::Lambda::EventInvokeConfig"}
    aliases = {r["Properties"]["FunctionName"]["Ref"]: physical[i]
               for i, r in resources.items() if r["Type"] == "AWS::Lambda::Alias"}
    lambdas = client("lambda")
    functions = {}
    for logical_id, resource in resources.items():
        if resource["Type"] != "AWS::Lambda::Function":
            continue
        config = lambdas.get_function_configuration(FunctionName=logical_id)
        invoke = invoke_configs.get(logical_id, {})
        on_failure = invoke.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination", {})
        queue = on_failure.get("Fn::GetAtt", [None])[0]
        functions[logical_id] = {
            "arn": aliases.get(logical_id, config["FunctionArn"]),
            "handler": config["Handler"],
            "timeoutSeconds": config["Timeout"],
            "memorySize": config["MemorySize"],
            "environment": config.get("Environment", {}).get("Variables", {}),
            "maximumRetryAttempts": invoke.get("MaximumRetryAttempts", 2),
            "onFailureQueueUrl": physical.get(queue) if queue else None,
        }
    schedules = [{"name": logical_id, "function": target(r["Properties"]["Target"]["Arn"]),
                  "expression": r["Properties"]["ScheduleExpression"]}
                 for logical_id, r in resources.items() if r["Type"] == "AWS::Scheduler::Schedule"]
    json.dump({
        "stackId": stack["StackId"],
        "outputs": {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])},
        "physicalIds": physical,
        "functions": functions,
        "schedules": schedules,
    }, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
