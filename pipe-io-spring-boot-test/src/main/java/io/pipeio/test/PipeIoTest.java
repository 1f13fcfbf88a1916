package io.pipeio.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test a private pipe directory ({@link PipeTestDirectory}) and removes it
 * afterwards.
 * <ul>
 * <li>With {@code @SpringBootTest} (or any Spring TestContext test): each application
 * context gets its own directory, {@code pipe-io.directory} points at it, and it is
 * removed once the context is closed and its channels have stopped. Inject it with
 * {@code @Autowired PipeTestDirectory}, or as a test method parameter. Contexts are
 * cached as usual, so test classes with the same configuration share one directory.</li>
 * <li>In a plain JUnit test (for example one that uses an
 * {@code ApplicationContextRunner}): declare a {@link PipeTestDirectory} parameter (of a
 * test method, a {@code @BeforeEach} method or the constructor); each test method gets a
 * new directory, removed after it. Hand it to the runner with
 * {@code withPropertyValues(directory.property())}.</li>
 * </ul>
 * <pre class="code">
 * &#64;SpringBootTest
 * &#64;PipeIoTest
 * class EchoTests {
 *
 *     &#64;Test
 *     void echoes(PipeTestDirectory pipes) {
 *         assertThat(pipes.request("echo", "hello")).isEqualTo("hello");
 *     }
 *
 * }
 * </pre>
 *
 * @see PipeTestClient
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(PipeIoTestExtension.class)
public @interface PipeIoTest {

}
