"""Applies the SAM transform to a template offline and prints the CloudFormation template as JSON.

usage: python .ci/sam-transform.py template.yaml > transformed.json

Scanners that know CloudFormation but not SAM (cfn-guard) read the result, so they check the resources
that will really be deployed. It needs aws-sam-translator and cfn-lint (for its YAML loader, which reads
the short intrinsic forms such as !Ref); cfn-lint brings both. Nothing is uploaded: local code and
definition paths are replaced by placeholder S3 locations, as cfn-lint does when it lints the template.
"""

import json
import os
import sys

from cfnlint.decode import decode
from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator

# The translator builds ARNs for this region; any commercial region gives the same resources.
REGION = "us-east-1"
PLACEHOLDER = {"Bucket": "placeholder-bucket", "Key": "placeholder-key"}

# Resource type -> property that names a local path the translator cannot read.
LOCAL_PATHS = {
    "AWS::Serverless::Function": "CodeUri",
    "AWS::Serverless::StateMachine": "DefinitionUri",
    "AWS::Serverless::LayerVersion": "ContentUri",
}


def transform(template):
    """The CloudFormation template SAM makes of a decoded SAM template (changed in place: local paths
    become placeholder S3 locations)."""
    for resource in template.get("Resources", {}).values():
        prop = LOCAL_PATHS.get(resource.get("Type"))
        properties = resource.get("Properties") or {}
        if prop and isinstance(properties.get(prop), str) and not properties[prop].startswith("s3://"):
            properties[prop] = dict(PLACEHOLDER)
    # Globals may name the code location for every function.
    function_globals = template.get("Globals", {}).get("Function", {})
    if isinstance(function_globals.get("CodeUri"), str):
        function_globals["CodeUri"] = dict(PLACEHOLDER)

    os.environ["AWS_DEFAULT_REGION"] = REGION
    return Translator(managed_policy_map={}, sam_parser=Parser()).translate(
        sam_template=template, parameter_values={}, passthrough_metadata=True
    )


def main(argv):
    if len(argv) != 2:
        print("usage: sam-transform.py TEMPLATE", file=sys.stderr)
        return 2
    template, problems = decode(argv[1])
    if problems:
        for problem in problems:
            print(f"{argv[1]}: {problem}", file=sys.stderr)
        return 1
    json.dump(transform(template), sys.stdout, indent=1, default=str)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
