package dev.remediate.cloudtrail;

import java.lang.reflect.InvocationTargetException;
import java.util.function.Consumer;
import org.mockito.MockMakers;
import org.mockito.Mockito;
import software.amazon.awssdk.core.SdkClient;

/** Mockito stubs of SDK clients that pass every call not stubbed on to a real (emulator) client. */
final class Stubs {
  private Stubs() {}

  /**
   * @param type the client interface
   * @param real the client calls go to unless stubbed
   * @param <C> the client type
   * @return a stub to give answers to with {@code doReturn(...).when(stub)}
   */
  static <C extends SdkClient> C passingTo(Class<C> type, C real) {
    // The subclass mock maker needs no agent. Consumer overloads are the interface's default
    // methods: they build the request and call the request overload, which is stubbed or passed on.
    return Mockito.mock(type, Mockito.withSettings().mockMaker(MockMakers.SUBCLASS)
        .defaultAnswer(invocation -> {
          Object[] args = invocation.getArguments();
          if (args.length == 1 && args[0] instanceof Consumer) {
            return invocation.callRealMethod();
          }
          try {
            return invocation.getMethod().invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        }));
  }
}
