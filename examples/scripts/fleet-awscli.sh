#!/usr/bin/env bash
# Many accounts, checked with the AWS CLI: on a moto server it starts, two member accounts with a
# group open on SSH to the world in each of two Regions (made with the AWS CLI under each account's
# assumed role); one `remediate scan --accounts A,B --region us-east-1 --region eu-west-1 --out`
# finds the four, one `remediate apply` fixes them, and the AWS CLI under each account's assumed
# credentials shows the CIDRs allowed on port 22 before and after; a last scan is compliant.
# Needs: the AWS CLI, a Python with moto (PYTHON=/path/to/python3), Java. Run from anywhere:
#   examples/scripts/fleet-awscli.sh
set -uo pipefail
PORT=${PORT:-5123}
PY=${PYTHON:-python3}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
$PY -m moto.server -H 127.0.0.1 -p $PORT > /tmp/fleet-moto.log 2>&1 &
MOTO=$!
trap 'kill $MOTO' EXIT
sleep 3
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1
EP=http://127.0.0.1:$PORT
A=111111111111; B=222222222222
as_account() { # account -> exports creds of the assumed member role
  local creds
  creds=$(aws --endpoint-url $EP sts assume-role --role-arn arn:aws:iam::$1:role/RemediateExecutionRole \
    --role-session-name check --query Credentials --output json)
  echo "$creds" | $PY -c 'import json,sys; c=json.load(sys.stdin); print("export AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_SESSION_TOKEN=%s" % (c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"]))'
}
for acct in $A $B; do
  for region in us-east-1 eu-west-1; do
    ( eval "$(as_account $acct)"
      vpc=$(aws --endpoint-url $EP --region $region ec2 create-vpc --cidr-block 10.0.0.0/16 --query Vpc.VpcId --output text)
      sg=$(aws --endpoint-url $EP --region $region ec2 create-security-group --group-name bastion --description ssh --vpc-id $vpc --query GroupId --output text)
      aws --endpoint-url $EP --region $region ec2 authorize-security-group-ingress --group-id $sg --protocol tcp --port 22 --cidr 0.0.0.0/0 >/dev/null
      echo "untidy: account $acct $region $sg open on 22 to 0.0.0.0/0" )
  done
done
check() {
  for acct in $A $B; do
    for region in us-east-1 eu-west-1; do
      ( eval "$(as_account $acct)"
        echo "$1 (AWS CLI, assumed role in $acct) $region: owner, group, CIDRs allowed on port 22: $(aws --endpoint-url $EP --region $region ec2 describe-security-groups \
          --filters Name=group-name,Values=bastion --query 'SecurityGroups[].[OwnerId,GroupId,join(`","`,IpPermissions[?FromPort==`22`].IpRanges[].CidrIp)]' --output text)" )
    done
  done
}
check before
cd "$root"
./remediate scan --endpoint $EP --accounts $A,$B --region us-east-1 --region eu-west-1 \
  --only ec2.security-group-open-ports --sg-ports 22 --out /tmp/fleet-plans.json; echo "scan exit $?"
./remediate apply --endpoint $EP /tmp/fleet-plans.json --yes; echo "apply exit $?"
check after
./remediate scan --endpoint $EP --accounts $A,$B --region us-east-1 --region eu-west-1 \
  --only ec2.security-group-open-ports --sg-ports 22 | tail -3; echo "rescan exit $?"
