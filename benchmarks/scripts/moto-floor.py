#!/usr/bin/env python3
"""The emulator's own time for the calls any tool must make in the two revoke scenarios of
ApplyVsCustodian (docs/performance.md): what a tool with no start-up and no client cost would take.

Seeds the scenario with boto3 (untimed), then times, with a bare HTTP client (http.client, no SDK,
no signing: moto does not check signatures unless told to), the least the EC2 API allows:
DescribeSecurityGroups, DescribeSecurityGroupRules, then one revoke per group and direction by
rule id; once one call after another, once on 8 connections at once.

    python3 benchmarks/scripts/moto-floor.py [resources]     # needs moto and boto3 (pyenv Python)
"""
import http.client
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

import boto3

REGION = "eu-west-1"
AUTH = ("AWS4-HMAC-SHA256 Credential=testing/20260101/%s/ec2/aws4_request, "
        "SignedHeaders=host, Signature=0" % REGION)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(conn, params):
    params = dict(params, Version="2016-11-15")
    conn.request("POST", "/", urllib.parse.urlencode(params),
                 {"Content-Type": "application/x-www-form-urlencoded", "Authorization": AUTH})
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError("%s: %d %s" % (params["Action"], response.status, body[:300]))


def seed(ec2, scenario, resources):
    if scenario == "port 22":
        vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
        for i in range(resources):
            group = ec2.create_security_group(GroupName="floor-%d" % i, Description="floor",
                                              VpcId=vpc)["GroupId"]
            ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[
                {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                 "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    else:
        for _ in range(resources - 1):
            ec2.create_vpc(CidrBlock="10.0.0.0/16")
        for group in ec2.describe_security_groups(
                Filters=[{"Name": "group-name", "Values": ["default"]}])["SecurityGroups"]:
            ec2.authorize_security_group_ingress(GroupId=group["GroupId"], IpPermissions=[
                {"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": group["GroupId"]}]}])


def revokes(ec2, scenario):
    rules = ec2.describe_security_group_rules()["SecurityGroupRules"]
    if scenario == "port 22":
        rules = [r for r in rules if not r["IsEgress"] and r.get("FromPort") == 22]
    else:
        default = {g["GroupId"] for g in ec2.describe_security_groups(
            Filters=[{"Name": "group-name", "Values": ["default"]}])["SecurityGroups"]}
        rules = [r for r in rules if r["GroupId"] in default]
    return [({"Action": "RevokeSecurityGroup" + ("Egress" if r["IsEgress"] else "Ingress"),
              "GroupId": r["GroupId"], "SecurityGroupRuleId.1": r["SecurityGroupRuleId"]})
            for r in rules]


def timed(port, calls, connections):
    def work(part):
        conn = http.client.HTTPConnection("127.0.0.1", port)
        for params in part:
            call(conn, params)
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port)
    call(conn, {"Action": "DescribeSecurityGroups"})
    call(conn, {"Action": "DescribeSecurityGroupRules"})
    threads = [threading.Thread(target=work, args=(calls[i::connections],))
               for i in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start


def main():
    resources = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p",
                               str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = "http://127.0.0.1:%d" % port
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(endpoint + "/moto-api/data.json")
                break
            except OSError:
                time.sleep(0.1)
        ec2 = boto3.client("ec2", endpoint_url=endpoint, region_name=REGION,
                           aws_access_key_id="testing", aws_secret_access_key="testing")
        print("| scenario | calls | 1 connection, s | 8 connections, s |")
        print("|---|---:|---:|---:|")
        for scenario in ("port 22", "default groups"):
            row = []
            for connections in (1, 8):
                urllib.request.urlopen(urllib.request.Request(endpoint + "/moto-api/reset",
                                                              method="POST"))
                seed(ec2, scenario, resources)
                calls = revokes(ec2, scenario)
                row.append(timed(port, calls, connections))
            print("| %s | %d | %.2f | %.2f |" % (scenario, len(calls) + 2, row[0], row[1]))
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
