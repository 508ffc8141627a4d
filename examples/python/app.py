import aws_cdk as cdk
from aws_cdk import aws_logs as logs
from cognito_auth_api import CognitoAuthApi, RouteThrottle, ThreatProtection

app = cdk.App()
stack = cdk.Stack(app, "PlatformAuth",
    env=cdk.Environment(account="111122223333", region="eu-central-1"),
)
auth = CognitoAuthApi(stack, "Auth",
    cors_origins=["https://portal.example.org"],
    front_door=False,  # a development stack; see below
    memory_size=512,
    timeout=cdk.Duration.seconds(5),
    route_throttles={"login": RouteThrottle(rate_limit=40, burst_limit=80)},
    log_retention=logs.RetentionDays.TWO_WEEKS,
    threat_protection=ThreatProtection.AUDIT,
)
cdk.CfnOutput(stack, "AuthUrl", value=auth.url)
# the version is also tagged on every function
cdk.CfnOutput(stack, "AuthVersion", value=auth.version)
app.synth()
