package dev.remediate.core.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 digests of canonical state descriptions. */
public final class Fingerprints {
  private Fingerprints() {}

  /**
   * Digests a canonical description of observed state.
   *
   * @param canonicalState a deterministic text of what was observed (sorted, stable)
   * @return {@code sha256:} followed by 64 hex digits
   */
  public static String of(String canonicalState) {
    return "sha256:" + HexFormat.of().formatHex(sha256(canonicalState));
  }

  /**
   * Digests text with SHA-256.
   *
   * @param text text
   * @return the digest bytes
   */
  public static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
