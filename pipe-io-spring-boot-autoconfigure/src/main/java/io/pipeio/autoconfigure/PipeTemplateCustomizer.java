package io.pipeio.autoconfigure;

import io.pipeio.core.PipeTemplate;

/**
 * Customizes the auto-configured {@link PipeTemplate} once its properties
 * ({@code pipe-io.template.*}), converter and request observers are set, for what has no
 * property. Beans of this type are applied in their order.
 *
 * @author pipe-io
 */
@FunctionalInterface
public interface PipeTemplateCustomizer {

	/**
	 * Customize the template.
	 * @param template the template
	 */
	void customize(PipeTemplate template);

}
