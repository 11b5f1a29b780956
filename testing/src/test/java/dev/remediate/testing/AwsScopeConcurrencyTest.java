package dev.remediate.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.remediate.core.aws.AwsScope;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * A scope used from many threads at once, as a plan set's planner and applier use it: the first
 * {@code account()} (an STS call through a client of the scope) racing with the first builds of
 * other clients must neither deadlock nor build a client twice. It did deadlock (found running the
 * README's flow: a scan of five remediations hung for good): {@code account()} held the scope's
 * lock while waiting for the client map, and a client being built in the map waited for that lock
 * to get the shared HTTP client.
 */
@ExtendWith(AwsEmulatorExtension.class)
class AwsScopeConcurrencyTest {
  private static final List<Region> REGIONS = List.of(Region.US_EAST_1, Region.EU_WEST_1,
      Region.US_WEST_2, Region.AP_SOUTHEAST_2, Region.EU_CENTRAL_1, Region.SA_EAST_1);

  @Test
  void firstAccountAndFirstClients_racing_neitherDeadlockNorBuildTwice(AwsEmulator aws)
      throws Exception {
    // daemon threads: a deadlocked thread must not keep the test JVM alive
    ExecutorService pool = Executors.newFixedThreadPool(16, r -> {
      Thread t = new Thread(r, "scope-race");
      t.setDaemon(true);
      return t;
    });
    try {
      for (int round = 0; round < 30; round++) {
        AwsScope scope = AwsScope.builder().region(Region.US_EAST_1)
            .endpointOverride(aws.endpoint())
            .credentialsProvider(StaticCredentialsProvider.create(
                AwsBasicCredentials.create("testing", "testing"))).build();
        race(pool, scope, round);
        scope.close(); // not in a finally: closing waits for the locks a deadlock holds

      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static void race(ExecutorService pool, AwsScope scope, int round) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<Callable<Object>> tasks = new ArrayList<>();
    for (Region region : REGIONS) {
      AwsScope regional = scope.inRegion(region);
      tasks.add(() -> regional.account());
      tasks.add(() -> regional.client(Ec2Client.class, Ec2Client::builder));
      tasks.add(() -> regional.client(S3Client.class, S3Client::builder));
      tasks.add(() -> regional.client(StsClient.class, StsClient::builder));
      tasks.add(() -> regional.globalClient(IamClient.class, IamClient::builder));
    }
    List<Future<Object>> futures = new ArrayList<>();
    for (Callable<Object> task : tasks) {
      futures.add(pool.submit(() -> {
        start.await();
        return task.call();
      }));
    }
    start.countDown();
    List<Object> results = new ArrayList<>();
    for (Future<Object> f : futures) {
      try {
        results.add(f.get(30, TimeUnit.SECONDS));
      } catch (TimeoutException e) {
        fail("round " + round + ": a thread is still waiting after 30 s (deadlock)");
      }
    }
    for (int i = 0; i < REGIONS.size(); i++) {
      AwsScope regional = scope.inRegion(REGIONS.get(i));
      assertEquals("123456789012", results.get(i * 5), "account");
      // every thread got the one client the scope keeps for (type, region)
      assertEquals(regional.client(Ec2Client.class, Ec2Client::builder), results.get(i * 5 + 1));
      assertEquals(regional.client(S3Client.class, S3Client::builder), results.get(i * 5 + 2));
      assertEquals(regional.client(StsClient.class, StsClient::builder), results.get(i * 5 + 3));
    }
  }
}
