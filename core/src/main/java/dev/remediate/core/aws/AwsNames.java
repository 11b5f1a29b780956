package dev.remediate.core.aws;

import dev.remediate.core.InvalidRemediationException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The one place where the library checks the AWS ids, names, ARNs, CIDRs and ports it is given,
 * against AWS's documented formats. Each method returns the value (normalised where AWS treats
 * forms alike) or throws {@link InvalidRemediationException} naming what was expected and the
 * value, e.g. {@code VPC id 'vpc-12' is not like vpc-0abc1234 (vpc- and 8 or 17 hex digits)}.
 *
 * <pre>{@code
 * String vpcId = AwsNames.vpcId(given);              // in a remediation's factory method
 * String cidr = AwsNames.cidr("192.168.001.000/24"); // "192.168.1.0/24"
 * int port = AwsNames.port("22");
 * }</pre>
 */
public final class AwsNames {
  private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
  private static final Pattern IP_LIKE = Pattern.compile("\\d+\\.\\d+\\.\\d+\\.\\d+");
  private static final Pattern TRAIL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{1,126}[A-Za-z0-9]");
  private static final Pattern LOG_GROUP = Pattern.compile("[\\w./#-]{1,512}");
  private static final Pattern ROLE_NAME = Pattern.compile("[\\w+=,.@-]{1,64}");
  private static final Pattern ACCESS_KEY_ID = Pattern.compile("(AKIA|ASIA)[A-Z0-9]{16}");
  private static final Pattern ROLE_ARN =
      Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/([\\w+=,.@-]+/)*[\\w+=,.@-]{1,64}");
  private static final Pattern KMS_KEY = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-"
      + "[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32}|alias/[\\w/-]{1,250}|arn:aws[a-z-]*:kms:"
      + "[a-z0-9-]+:\\d{12}:(key/([0-9a-f-]{36}|mrk-[0-9a-f]{32})|alias/[\\w/-]{1,250})");
  private static final Pattern TOPIC_ARN =
      Pattern.compile("arn:aws[a-z-]*:sns:[a-z0-9-]+:\\d{12}:[\\w-]{1,256}");
  private static final Pattern TOPIC_NAME = Pattern.compile("[\\w-]{1,256}");
  private static final Pattern PREFIX = Pattern.compile("[^/\\p{Cntrl}][^\\p{Cntrl}]{0,198}");
  private static final Pattern TAG_KEY = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]{1,128}");

  private AwsNames() {}

  /**
   * Tells whether a text is an EC2 resource id with the given prefix ({@code vpc}, {@code sg},
   * {@code subnet}, {@code i}, {@code vol}, {@code acl}, ...): the prefix, a dash and 8 or 17
   * lowercase hex digits. For choosing among the forms of a value without an exception (e.g. what
   * a CloudTrail record or a {@code --target} names); to check a given id, use the named methods.
   *
   * @param prefix the id prefix, without the dash
   * @param text any text, or null
   * @return true when the text is such an id
   */
  public static boolean isEc2Id(String prefix, @Nullable String text) {
    if (text == null || !text.startsWith(prefix + "-")) {
      return false;
    }
    int digits = text.length() - prefix.length() - 1;
    return (digits == 8 || digits == 17) && text.chars().skip(prefix.length() + 1L)
        .allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f');
  }

  /**
   * Tells whether a text is an EC2 resource id of any kind: a prefix of 1 to 12 lowercase letters
   * ({@code i}, {@code vpc}, {@code sg}, ...) as {@link #isEc2Id(String, String)} takes it.
   *
   * @param text any text, or null
   * @return true when the text is such an id
   */
  public static boolean isEc2Id(@Nullable String text) {
    int dash = text == null ? -1 : text.indexOf('-');
    return dash >= 1 && dash <= 12 && text.chars().limit(dash).allMatch(c -> c >= 'a' && c <= 'z')
        && isEc2Id(text.substring(0, dash), text);
  }

  /** An EC2 resource id prefix and what it names, e.g. {@code vpc} and "VPC id". */
  private static String ec2Id(String prefix, String what, @Nullable String id) {
    if (!isEc2Id(prefix, id)) {
      throw new InvalidRemediationException(what + " '" + id + "' is not like " + prefix
          + "-0abc1234 (" + prefix + "- and 8 or 17 hex digits)");
    }
    return id;
  }

  /**
   * @param id a VPC id
   * @return the id
   */
  public static String vpcId(@Nullable String id) {
    return ec2Id("vpc", "VPC id", id);
  }

  /**
   * @param id a security group id
   * @return the id
   */
  public static String securityGroupId(@Nullable String id) {
    return ec2Id("sg", "security group id", id);
  }

  /**
   * @param id a subnet id
   * @return the id
   */
  public static String subnetId(@Nullable String id) {
    return ec2Id("subnet", "subnet id", id);
  }

  /**
   * @param id an instance id
   * @return the id
   */
  public static String instanceId(@Nullable String id) {
    return ec2Id("i", "instance id", id);
  }

  /**
   * @param id an EBS volume id
   * @return the id
   */
  public static String volumeId(@Nullable String id) {
    return ec2Id("vol", "volume id", id);
  }

  /**
   * @param id a network ACL id
   * @return the id
   */
  public static String networkAclId(@Nullable String id) {
    return ec2Id("acl", "network ACL id", id);
  }

  /**
   * @param account a 12-digit account id
   * @return the account id
   */
  public static String accountId(@Nullable String account) {
    return require(account, ACCOUNT, "account id", "12 digits, e.g. 111122223333");
  }

  /**
   * Checks the form of a region id (not that AWS has the region).
   *
   * @param region e.g. {@code eu-west-1}
   * @return the region id
   */
  public static String region(@Nullable String region) {
    return require(region, REGION, "region", "like eu-west-1");
  }

  /**
   * @param bucket an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens; not an IP)
   * @return the name
   */
  public static String bucket(@Nullable String bucket) {
    require(bucket, BUCKET, "S3 bucket name", "3-63 lowercase letters, digits, '.' and '-'");
    if (IP_LIKE.matcher(bucket).matches() || bucket.contains("..")) {
      throw new InvalidRemediationException("S3 bucket name '" + bucket
          + "' must not look like an IP address or contain '..'");
    }
    return bucket;
  }

  /**
   * An S3 key prefix as a log destination: no leading {@code /}, no control characters, at most
   * 199 characters; a trailing {@code /} is removed (AWS adds its own separator).
   *
   * @param prefix the prefix
   * @return the prefix without trailing slashes
   */
  public static String s3Prefix(@Nullable String prefix) {
    String trimmed = prefix == null ? null : prefix.replaceAll("/+$", "");
    require(trimmed, PREFIX, "S3 key prefix", "not starting with '/', at most 199 characters");
    return trimmed;
  }

  /**
   * @param name a CloudTrail trail name (3-128 letters, digits, '.', '_', '-'; starting and ending
   *     with a letter or digit; no two of '.', '_', '-' in a row; not like an IP address)
   * @return the name
   */
  public static String trailName(@Nullable String name) {
    require(name, TRAIL, "trail name",
        "3-128 letters, digits, '.', '_' and '-', starting and ending with a letter or digit");
    if (name.matches(".*[._-]{2}.*") || IP_LIKE.matcher(name).matches()) {
      throw new InvalidRemediationException("trail name '" + name + "' must not have two of "
          + "'.', '_' and '-' in a row or look like an IP address");
    }
    return name;
  }

  /**
   * @param name a CloudWatch Logs log group name
   * @return the name
   */
  public static String logGroup(@Nullable String name) {
    return require(name, LOG_GROUP, "log group name", "1-512 of a-z A-Z 0-9 _ - / . #");
  }

  /**
   * @param name an IAM role name
   * @return the name
   */
  public static String roleName(@Nullable String name) {
    return require(name, ROLE_NAME, "IAM role name", "1-64 of letters, digits and +=,.@_-");
  }

  /**
   * @param name an IAM user name
   * @return the name
   */
  public static String userName(@Nullable String name) {
    return require(name, ROLE_NAME, "IAM user name", "1-64 of letters, digits and +=,.@_-");
  }

  /**
   * An IAM access key id: {@code AKIA} (a user's long-term key) or {@code ASIA} (a session's
   * temporary key) and 16 uppercase letters or digits.
   *
   * @param id e.g. {@code AKIAIOSFODNN7EXAMPLE}
   * @return the id
   */
  public static String accessKeyId(@Nullable String id) {
    return require(id, ACCESS_KEY_ID, "access key id",
        "AKIA or ASIA and 16 uppercase letters or digits, e.g. AKIAIOSFODNN7EXAMPLE");
  }

  /**
   * Tells whether a text has the form of an access key id, for choosing among the forms of a
   * target (a key id or a user name) without an exception.
   *
   * @param text any text
   * @return true when {@link #accessKeyId(String)} accepts it
   */
  public static boolean isAccessKeyId(@Nullable String text) {
    return text != null && ACCESS_KEY_ID.matcher(text).matches();
  }

  /**
   * @param arn an IAM role ARN
   * @return the ARN
   */
  public static String roleArn(@Nullable String arn) {
    return require(arn, ROLE_ARN, "IAM role ARN", "like arn:aws:iam::111122223333:role/name");
  }

  /**
   * @param key a KMS key id, key ARN, alias name ({@code alias/...}) or alias ARN
   * @return the key
   */
  public static String kmsKey(@Nullable String key) {
    return require(key, KMS_KEY, "KMS key", "a key id, key ARN, alias/NAME or alias ARN");
  }

  /**
   * @param arn an SNS topic ARN
   * @return the ARN
   */
  public static String snsTopicArn(@Nullable String arn) {
    return require(arn, TOPIC_ARN, "SNS topic ARN",
        "like arn:aws:sns:us-east-1:111122223333:name");
  }

  /**
   * @param name an SNS topic name (1-256 letters, digits, '_' and '-')
   * @return the name
   */
  public static String snsTopicName(@Nullable String name) {
    return require(name, TOPIC_NAME, "SNS topic name", "1-256 letters, digits, '_' and '-'");
  }

  /**
   * @param key a tag key (1-128 characters, not starting with {@code aws:})
   * @return the key
   */
  public static String tagKey(@Nullable String key) {
    require(key, TAG_KEY, "tag key", "1-128 letters, digits, spaces and _.:/=+-@");
    if (key.startsWith("aws:")) {
      throw new InvalidRemediationException("tag key '" + key + "' must not start with aws:");
    }
    return key;
  }

  /**
   * A TCP/UDP port.
   *
   * @param port text of a number from 0 to 65535
   * @return the port
   */
  public static int port(@Nullable String port) {
    try {
      int value = Integer.parseInt(port == null ? "" : port.strip());
      if (value >= 0 && value <= 65535) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InvalidRemediationException("port '" + port + "' is not a number from 0 to 65535");
  }

  /**
   * An IPv4 or IPv6 CIDR block, normalised the way EC2 reports it (IPv4 without leading zeros,
   * IPv6 compressed, lowercase). A bare address gets {@code /32} or {@code /128}. Host bits must
   * be zero.
   *
   * @param cidr e.g. {@code 203.0.113.0/24} or {@code 2001:db8::/32}
   * @return the normalised CIDR
   */
  public static String cidr(@Nullable String cidr) {
    return block(cidr, false);
  }

  /**
   * The network of an IPv4 or IPv6 address or CIDR block: like {@link #cidr(String)}, but host bits
   * are cleared rather than refused ({@code 10.1.2.3/8} is {@code 10.0.0.0/8}), for a value a
   * person gives as "this address or its range" (an address to block, a replacement source).
   *
   * @param cidr e.g. {@code 203.0.113.7}, {@code 10.1.2.3/8} or {@code 2001:db8::1}
   * @return the normalised network, e.g. {@code 203.0.113.7/32}, {@code 10.0.0.0/8}
   */
  public static String network(@Nullable String cidr) {
    return block(cidr, true);
  }

  private static String block(@Nullable String cidr, boolean clearHostBits) {
    if (cidr == null || cidr.isBlank()) {
      throw new InvalidRemediationException("CIDR '" + cidr + "' is empty");
    }
    String[] parts = cidr.strip().split("/", -1);
    boolean v6 = parts[0].contains(":");
    if (parts.length > 2 || !(v6 || parts[0].matches("\\d{1,3}(\\.\\d{1,3}){3}"))
        || (v6 && !parts[0].matches("[0-9A-Fa-f:.]+"))) {
      throw badCidr(cidr, clearHostBits);
    }
    int max = v6 ? 128 : 32;
    int bits;
    try {
      bits = parts.length == 1 ? max : Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw badCidr(cidr, clearHostBits);
    }
    byte[] address;
    try {
      address = InetAddress.getByName(v6 ? parts[0] : stripZeros(parts[0])).getAddress();
    } catch (UnknownHostException | IllegalArgumentException e) {
      throw badCidr(cidr, clearHostBits);
    }
    if (bits < 0 || bits > max || address.length != max / 8) {
      throw badCidr(cidr, clearHostBits);
    }
    if (clearHostBits) {
      for (int i = bits; i < max; i++) {
        address[i / 8] &= (byte) ~(0x80 >> (i % 8));
      }
    } else if (!hostBitsZero(address, bits)) {
      throw badCidr(cidr, clearHostBits);
    }
    return format(address) + "/" + bits;
  }

  private static InvalidRemediationException badCidr(String cidr, boolean clearHostBits) {
    return new InvalidRemediationException("CIDR '" + cidr + "' is not an IPv4 or IPv6 "
        + (clearHostBits ? "address or block like 203.0.113.7 or 2001:db8::/32"
            : "block like 203.0.113.0/24 or 2001:db8::/32 (host bits zero)"));
  }

  private static String stripZeros(String v4) {
    StringBuilder out = new StringBuilder();
    for (String octet : v4.split("\\.")) {
      int value = Integer.parseInt(octet);
      if (value > 255) {
        throw new IllegalArgumentException(v4);
      }
      out.append(out.length() == 0 ? "" : ".").append(value);
    }
    return out.toString();
  }

  private static boolean hostBitsZero(byte[] address, int bits) {
    for (int i = bits; i < address.length * 8; i++) {
      if ((address[i / 8] & (0x80 >> (i % 8))) != 0) {
        return false;
      }
    }
    return true;
  }

  private static String format(byte[] address) {
    if (address.length == 4) {
      return (address[0] & 0xff) + "." + (address[1] & 0xff) + "." + (address[2] & 0xff) + "."
          + (address[3] & 0xff);
    }
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((address[2 * i] & 0xff) << 8) | (address[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        out.append("::");
        i += bestLength - 1;
        continue;
      }
      if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
        out.append(':');
      }
      out.append(Integer.toHexString(groups[i]));
    }
    return out.toString();
  }

  private static String require(@Nullable String value, Pattern pattern, String what,
      String expected) {
    if (value == null || !pattern.matcher(value).matches()) {
      throw new InvalidRemediationException(what + " '" + value + "' is not valid: " + expected);
    }
    return value;
  }
}
