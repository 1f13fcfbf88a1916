package io.pipeio.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.core.annotation.AliasFor;

/**
 * Marks a bean method as the listener of a channel: it receives each line of the
 * channel's in pipe, and a non-{@code void}, non-{@code null} return value is written
 * back as one line to the channel's out pipe.
 * <p>
 * The payload parameter may be a {@code byte[]} (the raw line), a {@code String} (decoded
 * strictly with the channel charset) or any other type (converted from JSON). A
 * {@code PipeChannelContext} parameter may be added. Return {@code String},
 * {@code byte[]}, any object (written as JSON) or a {@code CompletableFuture} of those
 * (replies keep the order of the requests).
 *
 * <pre class="code">
 * &#64;PipeListener("upper")
 * public String upper(String line) {
 *     return line.toUpperCase();
 * }
 * </pre>
 *
 * @author pipe-io
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface PipeListener {

	/**
	 * The channel name; property placeholders such as {@code ${plugin.channel}} are
	 * resolved. A channel not configured under {@code pipe-io.channels} is declared with
	 * defaults.
	 * @return the channel name
	 */
	@AliasFor("channel")
	String value() default "";

	/**
	 * Alias for {@link #value()}.
	 * @return the channel name
	 */
	@AliasFor("value")
	String channel() default "";

	/**
	 * The name of a {@code PipeErrorHandler} bean for this listener's failures, instead
	 * of the application's default one.
	 * @return the bean name, or empty for the default
	 */
	String errorHandler() default "";

}
