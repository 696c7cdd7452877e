// The default VitePress theme, plus torchlet's components (registered globally so a Markdown page
// can use <Playground />, <Figure name="corr2d" alt="..." /> and <TensorView name="edge.X" />) and colours.
import type { Theme } from 'vitepress';
import DefaultTheme from 'vitepress/theme';
import TensorView from './d2l/TensorView.vue';
import Figure from './Figure.vue';
import Playground from './playground/Playground.vue';
import './custom.css';

export const theme: Theme = {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('Playground', Playground);
    app.component('Figure', Figure);
    app.component('TensorView', TensorView);
  },
};

// VitePress loads the theme from this module's default export.
export default theme;
