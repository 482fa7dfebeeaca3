/** Every rule of the plugin, keyed by its name without the `poolguard/` prefix. */
import noPoolAcrossBoundary from './no-pool-across-boundary';
import noPoolBeforeFork from './no-pool-before-fork';

export default {
  'no-pool-across-boundary': noPoolAcrossBoundary,
  'no-pool-before-fork': noPoolBeforeFork,
};
