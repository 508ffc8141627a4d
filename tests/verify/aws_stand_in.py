#!/usr/bin/env python3
"""The AWS side of tests/verify: moto's server mode (moto 5.2.5, tests/requirements.txt) for CloudFormation,
CloudWatch Logs, CloudWatch metrics and WAFv2, so that `cognito-auth-api verify` reads stack outputs, the deployed
template, log lines, metrics and the web ACL through the real AWS SDK for JavaScript.

One gap is filled here: moto's CloudFormation cannot create most of the stack's resource types (Cognito user pool and
client, the HTTP API and its routes, Secrets Manager secrets, CloudFront, WAFv2, Lambda functions from a CDK asset):
it skips them, and a stack that refers to a skipped resource (Ref, Fn::GetAtt) fails to create. So each resource type
moto does not create becomes a stand-in resource whose physical id is read from the JSON file named by
VERIFY_STAND_IN_IDS ({"<logical id or resource type>": "<physical id>"}, e.g. the user pool -> the local emulator's
pool), else `<logical id>-standin`; Fn::GetAtt on it answers `<physical id>.<attribute>`. Log groups (which verify
reads) are moto's own. DescribeStacks, GetTemplate and ListStackResources are then moto's answers, unchanged.

    .venv/bin/python tests/verify/aws_stand_in.py   -> prints {"endpoint": "http://127.0.0.1:PORT"} and serves until SIGTERM
"""
from __future__ import annotations

import json
import os
import signal
import sys
import threading

from moto.cloudformation import parsing
from moto.server import ThreadedMotoServer

# Resource types verify reads that moto creates itself.
MOTO_CREATES = {"AWS::Logs::LogGroup"}


class StandIn:
    """A resource moto's CloudFormation does not create: a physical id and attributes, nothing else."""

    def __init__(self, physical_id: str):
        self.physical_id = physical_id

    @property
    def physical_resource_id(self) -> str:
        return self.physical_id

    @staticmethod
    def cloudformation_type() -> str:
        return "Custom::StandIn"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return True

    def is_created(self) -> bool:
        return True

    def get_cfn_attribute(self, attribute_name: str) -> str:
        return f"{self.physical_id}.{attribute_name}"

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        logical = kwargs.get("LogicalId", resource_name)
        ids = {}
        path = os.environ.get("VERIFY_STAND_IN_IDS")
        if path and os.path.exists(path):
            with open(path) as f:
                ids = json.load(f)
        return cls(ids.get(logical) or ids.get(kwargs.get("ResourceType", "")) or f"{logical}-standin")


_original = parsing.resource_class_from_type


def resource_class_from_type(resource_type: str):
    if resource_type in MOTO_CREATES:
        return _original(resource_type)
    return StandIn


parsing.resource_class_from_type = resource_class_from_type


def main() -> int:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    print(json.dumps({"endpoint": f"http://{host}:{port}"}), flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    # Also stop when the parent (the test) is gone.
    parent = os.getppid()
    while not stop.wait(0.5):
        if os.getppid() != parent:
            break
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
