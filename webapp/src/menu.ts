import './style.css';
import { renderPromotions } from './promotions.ts';

void renderPromotions(document.getElementById('catalogue')!);
