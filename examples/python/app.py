#!/usr/bin/env python3
# A platform team's CDK app in Python: the same stack as the TypeScript one beside it in the docs.
import aws_cdk as cdk
from cognito_auth_api import CognitoAuthApi, RouteThrottle

app = cdk.App()
stack = cdk.Stack(app, "PlatformAuth", env=cdk.Environment(account="111122223333", region="eu-central-1"))
auth = CognitoAuthApi(stack, "Auth",
    cors_origins=["https://portal.example.org"],
    front_door=False,            # a development stack; see below for the CloudFront + WAF front door
    memory_size=512,
    timeout=cdk.Duration.seconds(5),
    route_throttles={"login": RouteThrottle(rate_limit=40, burst_limit=80)},
)
cdk.CfnOutput(stack, "AuthUrl", value=auth.url)
cdk.CfnOutput(stack, "AuthVersion", value=auth.version)  # also tagged on every function
app.synth()
