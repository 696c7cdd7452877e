// The default VitePress theme, plus torchlet's playground component (registered globally so a
// Markdown page can use <Playground />) and a few colours.
import type { Theme } from 'vitepress';
import DefaultTheme from 'vitepress/theme';
import Playground from './playground/Playground.vue';
import './custom.css';

export const theme: Theme = {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('Playground', Playground);
  },
};

// VitePress loads the theme from this module's default export.
export default theme;
