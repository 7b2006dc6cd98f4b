import '../zod-jitless.js';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { setLanguage, startLanguage } from '../i18n/index.js';
import { App } from './app.js';
import '../ui/styles.css';

const root = document.getElementById('root');
if (root) {
  // English is built in; another language's catalogue is fetched before the first paint (a failure shows English).
  await setLanguage(startLanguage()).catch(() => undefined);
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
