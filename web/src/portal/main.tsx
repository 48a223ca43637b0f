import { render } from 'preact';
import '../shared/styles.css';
import { App } from './app.tsx';

render(<App />, document.getElementById('app')!);
