import { css } from 'lit';
import { nestedAttachmentsStyles } from '../session-attachments/session-attachments.styles.ts';
import { baseStyles } from './base.styles.ts';

export const styles = [
  ...baseStyles,
  nestedAttachmentsStyles,
  css`
    .base {
      display: grid;
      gap: var(--kaltura-gap);
    }
    .small {
      font-size: 0.8125rem;
    }
    .head {
      display: flex;
      align-items: center;
      gap: 0.5rem;
    }
    .types {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      gap: var(--kaltura-gap);
      grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr));
    }
    .type {
      display: grid;
      gap: 0.3rem;
      width: 100%;
      height: 100%;
      align-content: start;
      padding: 1rem;
      text-align: start;
      border: 1px solid var(--kaltura-border);
      border-radius: var(--kaltura-radius);
      background: var(--kaltura-bg);
      cursor: pointer;
    }
    .type:hover {
      border-color: var(--kaltura-accent);
    }
    .type[aria-disabled='true'] {
      cursor: not-allowed;
      background: var(--kaltura-surface);
      border-color: var(--kaltura-border);
    }
    .type[aria-disabled='true'] strong {
      color: var(--kaltura-text-muted);
    }
    .why {
      display: block;
      margin-top: 0.3rem;
      font-style: normal;
      font-weight: 600;
    }
    .form {
      display: grid;
      gap: 1.1rem;
    }
    .field {
      min-width: 0;
      margin: 0;
      padding: 0;
      border: 0;
    }
    .row {
      display: grid;
      gap: var(--kaltura-gap);
      grid-template-columns: 1fr 1fr 1fr;
    }
    .header {
      display: grid;
      gap: 0.4rem var(--kaltura-gap);
      grid-template-columns: 16rem 1fr;
      align-items: start;
    }
    .header .label {
      grid-column: 1 / -1;
      margin: 0;
    }
    .header-side {
      display: grid;
      gap: 0.4rem;
      justify-items: start;
    }
    .thumb {
      aspect-ratio: 16 / 9;
      border-radius: 8px;
      background: var(--kaltura-surface);
      border: 1px dashed var(--kaltura-border);
      display: grid;
      place-items: center;
      align-content: center;
      gap: 0.25rem;
      overflow: hidden;
      color: var(--kaltura-text-muted);
    }
    .thumb img {
      width: 100%;
      height: 100%;
      object-fit: cover;
    }
    .combo {
      position: relative;
    }
    .listbox {
      position: absolute;
      z-index: 4;
      left: 0;
      right: 0;
      top: calc(100% + 4px);
      margin: 0;
      padding: 0.3rem;
      list-style: none;
      max-height: 15rem;
      overflow: auto;
      background: var(--kaltura-bg);
      border: 1px solid var(--kaltura-border);
      border-radius: 8px;
      box-shadow: 0 8px 24px rgb(0 0 0 / 0.15);
    }
    .option {
      display: flex;
      align-items: center;
      gap: 0.6rem;
      padding: 0.45rem 0.6rem;
      border-radius: 6px;
      cursor: pointer;
    }
    .option:hover,
    .option.active {
      background: var(--kaltura-surface-2);
    }
    .option.active {
      outline: 2px solid var(--kaltura-focus-color);
      outline-offset: -2px;
    }
    .option.action {
      color: var(--kaltura-accent);
      font-weight: 600;
    }
    .check {
      display: inline-grid;
      place-items: center;
      width: 1.1rem;
      height: 1.1rem;
      border: 1.5px solid #8a93a3;
      border-radius: 4px;
      font-size: 0.8rem;
      flex: none;
    }
    [aria-selected='true'] > .check {
      background: var(--kaltura-accent);
      border-color: var(--kaltura-accent);
      color: var(--kaltura-accent-text);
    }
    .combo + .chips {
      margin-top: 0.5rem;
    }
    .switch {
      display: inline-flex;
      align-items: center;
      gap: 0.6rem;
      padding: 0.2rem 0;
      border: none;
      background: none;
      font-weight: 600;
      cursor: pointer;
    }
    .track {
      position: relative;
      width: 2.5rem;
      height: 1.4rem;
      border-radius: 999px;
      background: #8a93a3;
      transition: background-color 0.15s;
    }
    .track::after {
      content: '';
      position: absolute;
      top: 0.2rem;
      inset-inline-start: 0.2rem;
      width: 1rem;
      height: 1rem;
      border-radius: 50%;
      background: #fff;
      transition: transform 0.15s;
    }
    [aria-checked='true'] > .track {
      background: var(--kaltura-accent);
    }
    [aria-checked='true'] > .track::after {
      transform: translateX(1.1rem);
    }
    [aria-checked='true'] > .track:dir(rtl)::after {
      transform: translateX(-1.1rem);
    }
    legend {
      padding: 0;
    }
    .radio {
      display: flex;
      gap: 0.6rem;
      align-items: flex-start;
      padding: 0.3rem 0;
    }
    .radio input {
      margin-top: 0.3rem;
    }
    .radio .muted {
      display: block;
    }
    .tabs {
      display: flex;
      gap: 0.25rem;
      border-bottom: 1px solid var(--kaltura-border);
      margin-bottom: 0.25rem;
    }
    .tab {
      padding: 0.6rem 1rem;
      border: none;
      border-bottom: 3px solid transparent;
      background: none;
      font-weight: 600;
      color: var(--kaltura-text-muted);
      cursor: pointer;
    }
    .tab[aria-selected='true'] {
      color: var(--kaltura-accent);
      border-bottom-color: var(--kaltura-accent);
    }
    [role='tabpanel'] {
      display: grid;
      gap: var(--kaltura-gap);
      padding-top: 0.5rem;
    }
    .links {
      display: flex;
      flex-wrap: wrap;
      gap: 0.25rem;
      margin-inline-start: -0.5rem;
    }
    @container (max-width: 560px) {
      .base {
        padding: var(--kaltura-gap);
      }
      .row,
      .header {
        grid-template-columns: 1fr;
      }
    }
  `,
];
